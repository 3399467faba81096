import { describe, expect, it } from 'vitest';
import type { Engine, Optimizer } from '../../src/index.js';
import { backends } from '../helpers/engines.js';
import { expectClose } from '../helpers/allclose.js';
import { flat, nonConvex, quadratic, refAdam, refSgd, type Problem, type RefOptimizer } from './reference.js';

/** tf.clip_by_value, tf.clip_by_norm (per tensor) and tf.clip_by_global_norm, in float64. */
interface Clip {
  value?: number;
  norm?: number;
  global?: number;
}

function clipGradients(g: Float64Array[], clip: Clip): Float64Array[] {
  let out = g.map((x) => Float64Array.from(x));
  const norm = (x: Float64Array): number => Math.sqrt(x.reduce((a, v) => a + v * v, 0));
  if (clip.norm) out = out.map((x) => x.map((v) => (v * clip.norm!) / Math.max(norm(x), clip.norm!)));
  if (clip.global) {
    const n = Math.sqrt(out.reduce((a, x) => a + norm(x) ** 2, 0));
    out = out.map((x) => x.map((v) => v * clip.global! * Math.min(1 / n, 1 / clip.global!)));
  }
  if (clip.value) out = out.map((x) => x.map((v) => Math.min(Math.max(v, -clip.value!), clip.value!)));
  return out;
}

function clippedReference(problem: Problem, opt: RefOptimizer, clip: Clip, steps: number, lr: number): Float64Array[] {
  const w = problem.init.map((x) => Float64Array.from(x));
  for (let s = 0; s < steps; s++) opt.step(w, clipGradients(problem.grad(w), clip), s + 1, lr);
  return w;
}

const cases: [string, Clip, (e: Engine) => Optimizer, () => RefOptimizer, number][] = [
  ['sgd clipValue', { value: 0.5 }, (e) => e.optim.sgd({ learningRate: 0.05, clipValue: 0.5 }), () => refSgd(), 0.05],
  ['sgd clipNorm', { norm: 1 }, (e) => e.optim.sgd({ learningRate: 0.1, clipNorm: 1 }), () => refSgd(), 0.1],
  ['sgd globalClipNorm', { global: 2 }, (e) => e.optim.sgd({ learningRate: 0.1, globalClipNorm: 2 }), () => refSgd(), 0.1],
  ['adam clipNorm + clipValue', { norm: 1.5, value: 0.3 }, (e) => e.optim.adam({ learningRate: 0.05, clipNorm: 1.5, clipValue: 0.3 }), () => refAdam(), 0.05],
  ['sgd momentum globalClipNorm + clipValue', { global: 1, value: 0.2 }, (e) => e.optim.sgd({ learningRate: 0.05, momentum: 0.5, globalClipNorm: 1, clipValue: 0.2 }), () => refSgd(0.5), 0.05],
];

describe.each(backends)('gradient clipping (%s)', (_name, makeEngine) => {
  for (const [label, clip, make, ref, lr] of cases) {
    it(`${label} follows tf.clip_by_*, on the device`, async () => {
      const e = await makeEngine();
      const steps = 25;
      for (const problem of [quadratic(31), nonConvex(32)]) {
        const vars = problem.init.map((x, k) => e.variable(Float32Array.from(x), problem.shapes[k]));
        const opt = make(e);
        opt.minimize(() => problem.loss(e, vars), vars).dispose();
        const before = e.stats();
        for (let s = 1; s < steps; s++) opt.minimize(() => problem.loss(e, vars), vars).dispose();
        expect(e.stats().readbacks - before.readbacks).toBe(0);
        const expected = clippedReference(problem, ref(), clip, steps, lr);
        expectClose(flat(await Promise.all(vars.map((v) => v.data()))), flat(expected), 2e-5, 2e-4, `${label}, ${problem.name}`);
        opt.dispose();
        e.dispose(vars);
      }
    });
  }

  it('clipping by norm costs two small dispatches, clipping by value none', async () => {
    const e = await makeEngine();
    const vars = [e.variable([1, 2, 3]), e.variable([[4, 5]]), e.variable([6])];
    const grads = [e.tensor([3, 4, 0]), e.tensor([[1, 1]]), e.tensor([10])];
    for (const [options, perStep] of [[{ clipValue: 1 }, 1], [{ clipNorm: 1 }, 3], [{ globalClipNorm: 1, clipValue: 2 }, 3]] as const) {
      const opt = e.optim.sgd(options);
      opt.applyGradients(grads, vars);
      const before = e.stats();
      opt.applyGradients(grads, vars);
      opt.applyGradients(grads, vars);
      const after = e.stats();
      expect(after.dispatches - before.dispatches).toBe(2 * perStep);
      expect(after.bufferCreations - before.bufferCreations).toBe(0);
      opt.dispose();
    }
    e.dispose([vars, grads]);
  });

  it('clips a gradient of norm 5 to 1 exactly as tf.clip_by_norm', async () => {
    const e = await makeEngine();
    const v = e.variable([0, 0, 0]);
    const w = e.variable([0]);
    const opt = e.optim.sgd({ learningRate: 1, clipNorm: 1 });
    opt.applyGradients([e.tensor([3, 4, 0]), e.tensor([0.5])], [v, w]);
    expectClose(await v.data(), [-0.6, -0.8, 0], 1e-7, 1e-6);
    expectClose(await w.data(), [-0.5], 1e-7, 1e-6);
    const global = e.optim.sgd({ learningRate: 1, globalClipNorm: 2.5 });
    const a = e.variable([0, 0]);
    const b = e.variable([0]);
    global.applyGradients([e.tensor([3, 0]), e.tensor([4])], [a, b]);
    expectClose(await a.data(), [-1.5, 0], 1e-7, 1e-6);
    expectClose(await b.data(), [-2], 1e-7, 1e-6);
    e.dispose([v, w, a, b]);
    opt.dispose();
    global.dispose();
  });

  it('rejects bad clipping options', async () => {
    const e = await makeEngine();
    expect(() => e.optim.adam({ clipNorm: 1, globalClipNorm: 1 })).toThrow(/adam: clipNorm and globalClipNorm cannot both be set/);
    expect(() => e.optim.sgd({ clipValue: 0 })).toThrow(/sgd: clipValue must be a positive number, got 0/);
    expect(() => e.optim.sgd({ clipNorm: -1 })).toThrow(/clipNorm must be a positive number/);
  });
});
