import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/index.js';
import { cpuEngine, gpuEngine } from '../helpers/engines.js';
import { closeness } from '../helpers/allclose.js';
import { uniformValues } from '../helpers/random.js';
import { randomGraph, type RandomGraph } from '../helpers/graph_generator.js';

/**
 * Random expression graphs over the op families (test/helpers/graph_generator.ts), evaluated on
 * the CPU reference and on WebGPU: values and gradients with respect to every input must agree.
 */

async function evaluate(e: Engine, g: RandomGraph, values: number[][]): Promise<Float32Array[]> {
  const xs = values.map((v, i) => e.tensor(v, g.shapes[i]!));
  const { value, grads } = e.valueAndGrad(() => g.build(e, xs), xs);
  const out = [await value.data(), ...(await Promise.all(grads.map((t) => t.data())))];
  e.dispose([xs, value, grads]);
  return out;
}

describe('random expression graphs', () => {
  it('agree between WebGPU and the CPU reference, values and gradients (300 graphs)', async () => {
    const gpu = await gpuEngine();
    const cpu = await cpuEngine();
    const failures: string[] = [];
    for (let seed = 1; seed <= 300; seed++) {
      const g = randomGraph(seed);
      const values = g.shapes.map((s, i) => uniformValues(s.reduce((p, d) => p * d, 1), -1.5, 1.5, seed * 7 + i));
      const expected = await evaluate(cpu, g, values);
      const actual = await evaluate(gpu, g, values);
      actual.forEach((a, k) => {
        const { ok, worst } = closeness(a, expected[k]!, 2e-4, 2e-3);
        if (!ok) failures.push(`seed ${seed} ${k === 0 ? 'value' : `grad ${k - 1}`}: ${worst}\n  ${g.description}`);
      });
    }
    expect(failures, failures.slice(0, 5).join('\n')).toEqual([]);
  });
});
