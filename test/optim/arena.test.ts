import { describe, expect, it } from 'vitest';
import { unitNormRows, type Engine, type Optimizer, type Tensor, type Variable } from '../../src/index.js';
import { expectClose } from '../helpers/allclose.js';
import { backends } from '../helpers/engines.js';
import { uniformValues } from '../helpers/random.js';
import { quadratic } from './reference.js';
import { arenaChunk } from '../../src/kernel_ids/optim.js';
import { settledMemory } from '../helpers/memory.js';

/** Odd sizes, a size-1 variable, one just past the 64-element view alignment, a rank-3 one. */
const shapes = [[7], [1], [65], [3, 5], [2, 2, 3]];

function makeVars(e: Engine, seed: number): Variable[] {
  return shapes.map((s, k) => e.variable(Float32Array.from(uniformValues(s.reduce((a, b) => a * b, 1), -1, 1, seed + k)), s));
}

function makeGrads(e: Engine, seed: number): Tensor[] {
  return shapes.map((s, k) => e.keep(e.tensor(Float32Array.from(uniformValues(s.reduce((a, b) => a * b, 1), -2, 2, seed + 100 + k)), s)));
}

const everyOptimizer: [string, (e: Engine) => Optimizer][] = [
  ['sgd', (e) => e.optim.sgd()],
  ['sgd nesterov', (e) => e.optim.sgd({ momentum: 0.9, nesterov: true })],
  ['rmsprop centered momentum', (e) => e.optim.rmsprop({ momentum: 0.5, centered: true })],
  ['adam amsgrad', (e) => e.optim.adam({ amsgrad: true })],
  ['adamw', (e) => e.optim.adamw()],
  ['adamax', (e) => e.optim.adamax()],
  ['nadam', (e) => e.optim.nadam()],
  ['adagrad', (e) => e.optim.adagrad()],
  ['adadelta', (e) => e.optim.adadelta()],
  ['lion', (e) => e.optim.lion()],
];

async function values(vars: readonly Tensor[]): Promise<Float32Array[]> {
  return Promise.all(vars.map((v) => v.data()));
}

describe.each(backends)('parameter arena (%s)', (name, makeEngine) => {
  it('one update dispatch per step whatever the number of variables; no readback, no new buffer, one submit', async () => {
    const e = await makeEngine();
    const grads = makeGrads(e, 1);
    for (const [label, make] of everyOptimizer) {
      const vars = makeVars(e, 2);
      const opt = make(e);
      opt.applyGradients(grads, vars); // first step: builds the arenas
      const before = e.stats();
      const steps = 5;
      for (let s = 0; s < steps; s++) opt.applyGradients(grads, vars);
      const after = e.stats();
      expect(after.dispatches - before.dispatches, `${label}: dispatches`).toBe(steps);
      expect(after.readbacks - before.readbacks, `${label}: readbacks`).toBe(0);
      expect(after.bufferCreations - before.bufferCreations, `${label}: buffer creations`).toBe(0);
      expect(after.submits - before.submits, `${label}: submits`).toBeLessThanOrEqual(steps);
      expect(after.uploads - before.uploads, `${label}: uploads`).toBe(0);
      opt.dispose();
      e.dispose(vars);
    }
    e.dispose(grads);
  });

  it('a steady minimize loop creates no buffers after its first steps and leaks nothing', async () => {
    const e = await makeEngine();
    const problem = quadratic(5);
    const vars = problem.init.map((x, k) => e.variable(Float32Array.from(x), problem.shapes[k]));
    const opt = e.optim.adam({ learningRate: 0.01, clipNorm: 1 });
    const rec = e.optim.lossRecorder(16);
    opt.recordLoss(rec);
    // Step 1 builds the arena; lazy execution runs a step's graph unfused the first time its
    // structure is seen (step 2) and compiles it fused the second time (step 3).
    for (let s = 0; s < 3; s++) opt.minimize(() => problem.loss(e, vars), vars).dispose();
    const memory = await settledMemory(e);
    const before = e.stats();
    for (let s = 0; s < 10; s++) opt.minimize(() => problem.loss(e, vars), vars).dispose();
    const after = e.stats();
    expect(after.readbacks - before.readbacks).toBe(0);
    expect(after.submits - before.submits).toBeLessThanOrEqual(10);
    // The CPU backend has no pool (every allocation counts); its live memory must not grow.
    if (name === 'webgpu') expect(after.bufferCreations - before.bufferCreations).toBe(0);
    expect(e.memory()).toEqual(memory);
    rec.dispose();
    opt.dispose();
    e.dispose(vars);
  });

  it('variables become views of one arena, aligned, with zero padding that the update never touches', async () => {
    const e = await makeEngine();
    const vars = makeVars(e, 3);
    const grads = makeGrads(e, 4);
    // A box constraint with lo > 0 would turn any padding element it touched into 0.5.
    const opt = e.optim.sgd({ learningRate: 0.1, momentum: 0.5, constraints: vars.map((v) => ({ var: v, constraint: e.optim.constraints.clipTo(0.5, 1) })) });
    opt.applyGradients(grads, vars);
    const arena = vars[0]!.storage.parent!;
    expect(arena).toBeDefined();
    for (const v of vars) expect(v.storage.parent).toBe(arena);
    // Views are aligned for binding, and to the update kernels' chunk (one variable per workgroup).
    const align = Math.max(e.backend.viewAlignment, arenaChunk);
    const raw = await e.readStorage(arena, arena.buffer.numel);
    let cursor = 0;
    const covered = new Set<number>();
    const after = await values(vars);
    vars.forEach((v, k) => {
      expect(cursor % align).toBe(0);
      for (let i = 0; i < v.size; i++) {
        covered.add(cursor + i);
        expect(raw[cursor + i]).toBe(after[k]![i]);
      }
      cursor = Math.ceil((cursor + v.size) / align) * align;
    });
    for (let i = 0; i < raw.length; i++) if (!covered.has(i)) expect(raw[i], `padding element ${i}`).toBe(0);
    for (const x of after.flatMap((a) => Array.from(a))) {
      expect(x).toBeGreaterThanOrEqual(0.5);
      expect(x).toBeLessThanOrEqual(1);
    }
    opt.dispose();
    e.dispose([...vars, ...grads]);
  });

  it('minimize and manual applyGradients give identical trajectories; maximize ascends', async () => {
    const e = await makeEngine();
    const problem = quadratic(6);
    const make = () => problem.init.map((x, k) => e.variable(Float32Array.from(x), problem.shapes[k]));
    const [a, b, c] = [make(), make(), make()];
    const [optA, optB, optC] = [e.optim.rmsprop({ learningRate: 0.01, momentum: 0.3 }), e.optim.rmsprop({ learningRate: 0.01, momentum: 0.3 }), e.optim.rmsprop({ learningRate: 0.01, momentum: 0.3 })];
    for (let s = 0; s < 20; s++) {
      const lossA = optA.minimize(() => problem.loss(e, a), a);
      const { value, grads } = e.valueAndGrad(() => problem.loss(e, b), b);
      optB.applyGradients(grads.map((g, k) => [g, b[k]!] as const));
      const lossC = optC.maximize(() => problem.loss(e, c).neg(), c);
      expect(Array.from(await lossA.data())).toEqual(Array.from(await value.data()));
      expect(Array.from(await lossC.data())).toEqual(Array.from(await value.neg().data()));
      e.dispose([lossA, value, grads, lossC]);
    }
    const [va, vb, vc] = [await values(a), await values(b), await values(c)];
    va.forEach((x, k) => {
      expect(Array.from(x)).toEqual(Array.from(vb[k]!));
      expect(Array.from(x)).toEqual(Array.from(vc[k]!));
    });
    [optA, optB, optC].forEach((o) => o.dispose());
    e.dispose([a, b, c]);
  });

  it('a variable keeps its slots when the variable list changes, and assign writes into the arena', async () => {
    const e = await makeEngine();
    const problem = quadratic(7, [[5], [9], [4]]);
    const loss = (vars: Variable[]) => () => problem.loss(e, vars);
    const init = (k: number) => e.variable(Float32Array.from(problem.init[k]!), problem.shapes[k]);
    // b alone, 10 steps; and b first with a, then with c: its updates are the same (separable loss).
    const alone = [init(0), init(1), init(2)];
    const moved = [init(0), init(1), init(2)];
    const optAlone = e.optim.adam({ learningRate: 0.05 });
    const optMoved = e.optim.adam({ learningRate: 0.05 });
    for (let s = 0; s < 10; s++) {
      optAlone.minimize(loss(alone), [alone[1]!]).dispose();
      optMoved.minimize(loss(moved), s < 5 ? [moved[0]!, moved[1]!] : [moved[1]!, moved[2]!]).dispose();
    }
    expect(Array.from(await moved[1]!.data())).toEqual(Array.from(await alone[1]!.data()));
    // Arena variables are assigned in place, even while a view of them is alive.
    const v = moved[1]!;
    const view = v.reshape([3, 3]);
    const storage = v.storage;
    v.assign(e.zeros([9]));
    expect(v.storage).toBe(storage);
    expect(Array.from(await view.data())).toEqual(new Array(9).fill(0));
    optMoved.minimize(loss(moved), [moved[1]!, moved[2]!]).dispose();
    expect(v.storage).toBe(storage);
    // From 0 the first Adam step of a still-warm optimizer moves every element.
    expect(Array.from(await v.data()).every((x) => x !== 0)).toBe(true);
    view.dispose();
    [optAlone, optMoved].forEach((o) => o.dispose());
    e.dispose([alone, moved]);
  });

  it('two optimizers can take turns on the same variables', async () => {
    const e = await makeEngine();
    const problem = quadratic(8, [[6], [3]]);
    const vars = problem.init.map((x, k) => e.variable(Float32Array.from(x), problem.shapes[k]));
    const sgd = e.optim.sgd({ learningRate: 0.1 });
    const adam = e.optim.adam({ learningRate: 0.1 });
    const start = await problem.loss(e, vars).data();
    for (let s = 0; s < 6; s++) (s % 2 ? sgd : adam).minimize(() => problem.loss(e, vars), vars).dispose();
    const end = await problem.loss(e, vars).data();
    expect(end[0]!).toBeLessThan(start[0]! / 2);
    sgd.dispose();
    adam.dispose();
    e.dispose(vars);
  });

  it('handles scalar and empty variables', async () => {
    const e = await makeEngine();
    const scalar = e.variable(e.scalar(3));
    const empty = e.variable(e.zeros([0, 4]));
    const row = e.variable([[1, 2]]);
    const opt = e.optim.adam({ learningRate: 0.5, clipNorm: 1, constraints: [{ var: empty, constraint: unitNormRows() }] });
    for (let s = 0; s < 3; s++) opt.minimize(() => scalar.square().add(row.sum()).add(empty.sum()), [scalar, empty, row]).dispose();
    // Clipped to norm 1, each Adam step moves lr (less epsilon / sqrt(v), a few 1e-6 here).
    expect((await scalar.data())[0]!).toBeCloseTo(1.5, 4);
    expectClose(await row.data(), [-0.5, 0.5], 1e-4, 1e-4);
    expect(empty.size).toBe(0);
    opt.dispose();
    e.dispose([scalar, empty, row]);
  });

  it('rejects bad input with messages naming the problem', async () => {
    const e = await makeEngine();
    const v = e.variable([1, 2, 3]);
    const w = e.variable([[1, 2]]);
    const opt = e.optim.adam();
    expect(() => opt.applyGradients([e.tensor([1, 2])], [v])).toThrow(/gradient of variable 'variable_\d+' has shape \[2\], the variable \[3\]/);
    expect(() => opt.applyGradients([e.tensor([1, 2, 3])], [v, w])).toThrow(/1 gradients for 2 variables/);
    expect(() => opt.minimize(() => v.sum(), [])).toThrow(/non-empty list of variables/);
    expect(() => opt.minimize(() => v.sum(), [v, v])).toThrow(/appears twice/);
    expect(() => opt.minimize(() => v.sum(), [e.tensor([1]) as Variable])).toThrow(/is not a variable/);
    expect(() => opt.minimize(() => v.mul(2), [v])).toThrow(/minimize: the loss must be a scalar, got shape \[3\]/);
    const ints = e.variable([1, 2], undefined, { dtype: 'int32' });
    expect(() => opt.minimize(() => ints.sum(), [ints])).toThrow(/dtype int32; only float32/);
    const gone = e.variable([1]);
    gone.dispose();
    expect(() => opt.minimize(() => v.sum(), [gone])).toThrow(/disposed/);
    expect(() => e.optim.sgd({ momentum: 2 })).toThrow(/sgd: momentum must be a number in \[0, 1\], got 2/);
    expect(() => e.optim.adam({ learningRate: NaN })).toThrow(/adam: learningRate must be a finite number/);
    expect(() => e.optim.nadam({ decay: 0.1 })).toThrow(/legacy decay/);
    opt.dispose();
    expect(() => opt.minimize(() => v.sum(), [v])).toThrow(/adam.minimize: the optimizer was disposed/);
    e.dispose([v, w, ints]);
  });
});
