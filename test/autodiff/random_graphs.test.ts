import { describe, expect, it } from 'vitest';
import type { Engine, Tensor } from '../../src/index.js';
import { cpuEngine, gpuEngine } from '../helpers/engines.js';
import { closeness } from '../helpers/allclose.js';
import { rng, uniformValues } from '../helpers/random.js';

/**
 * Random expression graphs built from the op families, evaluated on the CPU reference and on
 * WebGPU: values and gradients with respect to every input must agree. Ops are chosen so that
 * values stay in a tame range (bounded activations, logs and roots of positive arguments).
 */

type Node = (e: Engine, inputs: Tensor[]) => Tensor;

interface Graph {
  shapes: number[][];
  build: Node;
  description: string;
}

type Pick = <T>(list: readonly T[]) => T;

const unaries: [string, (x: Tensor) => Tensor][] = [
  ['sin', (x) => x.sin()],
  ['tanh', (x) => x.tanh()],
  ['sigmoid', (x) => x.sigmoid()],
  ['softplus', (x) => x.softplus()],
  ['square', (x) => x.square()],
  ['log(1+x²)', (x) => x.square().add(1).log()],
  ['sqrt(x²+0.5)', (x) => x.square().add(0.5).sqrt()],
  ['exp(clip)', (x) => x.clip(-3, 3).exp()],
  ['atan', (x) => x.atan()],
  ['elu', (x) => x.elu()],
  ['mul 1.7', (x) => x.mul(1.7)],
];

const binaries: [string, (a: Tensor, b: Tensor) => Tensor][] = [
  ['add', (a, b) => a.add(b)],
  ['sub', (a, b) => a.sub(b)],
  ['mul', (a, b) => a.mul(b)],
  ['div', (a, b) => a.div(b.sigmoid().add(0.5))],
  ['maximum', (a, b) => a.maximum(b)],
  ['minimum', (a, b) => a.minimum(b)],
  ['squaredDifference', (a, b) => a.squaredDifference(b)],
];

/** A shape of rank 1..3 with small odd sizes. */
function randomShape(pick: Pick): number[] {
  const rank = pick([1, 2, 2, 3]);
  return Array.from({ length: rank }, () => pick([1, 2, 3, 5, 7]));
}

/** A shape that broadcasts with `s`: some dims set to 1, maybe fewer leading dims. */
function broadcastPartner(s: number[], pick: Pick): number[] {
  const out = s.map((d) => (pick([true, false, false]) ? 1 : d));
  return pick([true, false]) && out.length > 1 ? out.slice(1) : out;
}

function randomGraph(seed: number): Graph {
  const r = rng(seed);
  const pick: Pick = (list) => list[Math.floor(r() * list.length)]!;
  const base = randomShape(pick);
  const shapes = [base, broadcastPartner(base, pick), randomShape(pick)];
  const steps: string[] = [];
  // Each step maps the current pool of tensors to a new tensor, recorded as a closure.
  const plan: ((e: Engine, pool: Tensor[]) => Tensor)[] = [];
  const poolShapes = shapes.map((s) => [...s]);
  const count = 4 + Math.floor(r() * 6);
  for (let k = 0; k < count; k++) {
    const i = Math.floor(r() * poolShapes.length);
    const a = poolShapes[i]!;
    const picked = pick(['unary', 'unary', 'binary', 'binary', 'reduce', 'layout', 'matmul']);
    // Scalars (after full reductions) only go through elementwise ops.
    const kind = a.length === 0 && picked !== 'binary' ? 'unary' : picked;
    if (kind === 'unary') {
      const [name, f] = pick(unaries);
      steps.push(`${name}(#${i})`);
      plan.push((_e, pool) => f(pool[i]!));
      poolShapes.push([...a]);
    } else if (kind === 'binary') {
      // Partner: any pool tensor whose shape broadcasts with a; else a itself.
      const j = poolShapes.findIndex((b, jj) => jj !== i && broadcasts(a, b));
      const partner = j >= 0 && r() < 0.8 ? j : i;
      const [name, f] = pick(binaries);
      steps.push(`${name}(#${i}, #${partner})`);
      plan.push((_e, pool) => f(pool[i]!, pool[partner]!));
      poolShapes.push(broadcast(a, poolShapes[partner]!));
    } else if (kind === 'reduce') {
      const axis = Math.floor(r() * a.length);
      const keep = r() < 0.5;
      const op = pick(['sum', 'mean', 'max', 'min', 'logSumExp'] as const);
      steps.push(`${op}(#${i}, ${axis}, ${keep})`);
      plan.push((_e, pool) => pool[i]![op](axis, keep));
      poolShapes.push(keep ? a.map((d, ax) => (ax === axis ? 1 : d)) : a.filter((_, ax) => ax !== axis));
    } else if (kind === 'layout') {
      if (a.length >= 2 && r() < 0.5) {
        const perm = a.map((_, ax) => ax).reverse();
        steps.push(`transpose(#${i})`);
        plan.push((_e, pool) => pool[i]!.transpose(perm));
        poolShapes.push(perm.map((p) => a[p]!));
      } else if (a[0]! > 1) {
        const len = a[0]! - 1;
        steps.push(`slice(#${i}, 1..)`);
        plan.push((_e, pool) => pool[i]!.slice(1, len));
        poolShapes.push([len, ...a.slice(1)]);
      } else {
        steps.push(`concat(#${i}, #${i}, 0)`);
        plan.push((e, pool) => e.concat([pool[i]!, pool[i]!.mul(0.5)], 0));
        poolShapes.push([a[0]! * 2, ...a.slice(1)]);
      }
    } else {
      // matmul of a (as a matrix) with a fresh constant-free projection: a @ aᵀ-like products.
      const rows = a.length >= 2 ? a[a.length - 2]! : 1;
      const cols = a[a.length - 1]!;
      steps.push(`matmul(#${i}, #${i}ᵀ)`);
      plan.push((_e, pool) => {
        const m = pool[i]!.reshape([...a.slice(0, -2), rows, cols]);
        return m.matmul(m.tanh(), false, true);
      });
      poolShapes.push([...a.slice(0, -2), rows, rows]);
    }
  }
  return {
    shapes,
    description: steps.join(' → '),
    build: (e, inputs) => {
      const pool = [...inputs];
      for (const step of plan) pool.push(step(e, pool));
      // The loss mixes the last few tensors so that most of the graph reaches it.
      let loss = pool[pool.length - 1]!.sum();
      for (const t of pool.slice(-4, -1)) loss = loss.add(t.mul(0.3).sin().sum());
      return loss;
    },
  };
}

function broadcasts(a: number[], b: number[]): boolean {
  for (let k = 1; k <= Math.min(a.length, b.length); k++) {
    const x = a[a.length - k]!;
    const y = b[b.length - k]!;
    if (x !== y && x !== 1 && y !== 1) return false;
  }
  return true;
}

function broadcast(a: number[], b: number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, k) => {
    const x = a[a.length - rank + k] ?? 1;
    const y = b[b.length - rank + k] ?? 1;
    return x === 1 ? y : x;
  });
}

async function evaluate(e: Engine, g: Graph, values: number[][]): Promise<Float32Array[]> {
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
