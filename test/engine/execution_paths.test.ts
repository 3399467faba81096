import { describe, expect, it } from 'vitest';
import { createEngine, type Engine, type Tensor } from '../../src/node.js';
import { closeness } from '../helpers/allclose.js';
import { uniformValues } from '../helpers/random.js';
import { randomGraph, type RandomGraph } from '../helpers/graph_generator.js';
import { cpuEngine, gpuEngine } from '../helpers/engines.js';

/**
 * Random graphs (test/helpers/graph_generator.ts) through every execution path of the WebGPU
 * backend — lazy (the first run of a graph unfused, the next fused from the plan cache), compiled
 * (the first call and a replay with new inputs) and one dispatch per op (`lazy: false`) — against
 * the CPU reference: the loss and its gradient with respect to every input. GRAPHS=n runs n graphs
 * and prints progress.
 */

/** Each graph compiles new shaders (its fused kernels): on lavapipe about a second apiece. */
const graphs = Number(process.env.GRAPHS ?? 120);
/** One dispatch per op (lazy: false) runs the same kernels as a lazy first run: every few graphs. */
const eagerEvery = 4;

function inputsFor(g: RandomGraph, seed: number): number[][] {
  return g.shapes.map((s, i) => uniformValues(s.reduce((p, d) => p * d, 1), -1.5, 1.5, seed * 7 + i));
}

/** The loss and its gradients as plain arrays; `mode` picks the path. */
async function evaluate(e: Engine, g: RandomGraph, values: number[][], compiled?: (...xs: Tensor[]) => Tensor[]): Promise<Float32Array[]> {
  const xs = values.map((v, i) => e.tensor(v, g.shapes[i]!));
  const f = (...args: Tensor[]): Tensor[] => {
    const { value, grads } = e.valueAndGrad(() => g.build(e, args), args);
    return [value, ...grads];
  };
  const results = compiled ? compiled(...xs) : e.tidy(() => f(...xs));
  const out = await Promise.all(results.map((t) => t.data()));
  e.dispose([xs, results]);
  return out;
}

function compare(label: string, actual: Float32Array[], expected: Float32Array[], failures: string[], g: RandomGraph): void {
  actual.forEach((a, k) => {
    const { ok, worst } = closeness(a, expected[k]!, 3e-4, 3e-3);
    if (!ok) failures.push(`${label} ${k === 0 ? 'value' : `grad ${k - 1}`}: ${worst}\n  ${g.description}`);
  });
}

describe('execution paths on random graphs', () => {
  it(`lazy, compiled and one-dispatch-per-op runs agree with the CPU reference (${graphs} graphs)`, { timeout: 900_000 }, async () => {
    const gpu = await gpuEngine();
    const cpu = await cpuEngine();
    const eager = await createEngine({ backend: 'webgpu', lazy: false });
    const failures: string[] = [];
    try {
      for (let seed = 1; seed <= graphs; seed++) {
        const g = randomGraph(seed);
        const values = inputsFor(g, seed);
        const other = inputsFor(g, seed + 1000);
        const expected = await evaluate(cpu, g, values);
        const expectedOther = await evaluate(cpu, g, other);
        const run = async (label: string, promise: Promise<Float32Array[]>, reference: Float32Array[]): Promise<void> => {
          try {
            compare(`seed ${seed} ${label}`, await promise, reference, failures, g);
          } catch (err) {
            failures.push(`seed ${seed} ${label} threw: ${(err as Error).message}\n  ${g.description}`);
          }
        };
        // Lazy: the first run of a new structure is unfused, the second fused (plan cache).
        await run('lazy (first run)', evaluate(gpu, g, values), expected);
        await run('lazy (fused)', evaluate(gpu, g, other), expectedOther);
        const f = gpu.compile((...args: Tensor[]) => {
          const { value, grads } = gpu.valueAndGrad(() => g.build(gpu, args), args);
          return [value, ...grads];
        });
        await run('compiled (first call)', evaluate(gpu, g, values, f), expected);
        await run('compiled (replay)', evaluate(gpu, g, other, f), expectedOther);
        f.dispose();
        if (process.env.GRAPHS) console.log(`seed ${seed}: ${failures.length} failures so far`);
        if (seed % eagerEvery === 0) await run('one dispatch per op', evaluate(eager, g, values), expected);
      }
    } finally {
      eager.destroy();
    }
    expect(failures, failures.slice(0, 6).join('\n')).toEqual([]);
  });
});

describe('a generated kernel whose job integers are all dropped', () => {
  // An epilogue (the transpose after a max reduction) reads the reduced value in place of its
  // operand, whose slice offset was asked of the job table: the table went unread, the shader's
  // layout had a gap, and the plan failed to compile.
  it('compiles and runs (a seeded gradient through max, reshape and transpose, an unused source)', async () => {
    const gpu = await gpuEngine();
    const cpu = await cpuEngine();
    const run = async (e: Engine, compiled: boolean): Promise<number[][]> => {
      const x = e.tensor(Array.from({ length: 12 }, (_, i) => Math.sin(i)), [4, 3]);
      const y = e.tensor([0.5, -1, 2], [1, 3]);
      const unused = e.tensor([3, 4]);
      const f = (a: Tensor, b: Tensor, c: Tensor): Tensor[] => {
        const out = (): Tensor => a.mul(b).sigmoid().max([0, 1], false, { ties: 'first' }).reshape([1]).reshape([-1]).transpose([0]);
        const { value, grads } = e.valueAndGrad(out, [a, b, c], e.ones([1]));
        return [value, ...grads];
      };
      const results = compiled ? e.compile(f)(x, y, unused) : e.tidy(() => f(x, y, unused));
      const out = await Promise.all(results.map(async (t) => Array.from(await t.data())));
      e.dispose([x, y, unused, results]);
      return out;
    };
    const expected = await run(cpu, false);
    // Lazy: unfused the first time, fused the second.
    for (const compiled of [false, false, true]) {
      const actual = await run(gpu, compiled);
      actual.forEach((a, k) => expect(closeness(a, expected[k]!, 1e-6, 1e-5).ok, `output ${k}`).toBe(true));
    }
  });
});
