import { describe, expect, it } from 'vitest';
import { clipTo, nonNeg, unitNormRows, type Constraint, type Tensor, type Variable } from '../../src/index.js';
import { backends } from '../helpers/engines.js';
import { expectClose } from '../helpers/allclose.js';
import { quadratic, refAdam, type RefOptimizer } from './reference.js';

/** Keras applies constraints to the variable after each update; the reference does the same. */
type Projection = (w: Float64Array, shape: number[]) => void;

const box = (lo: number, hi: number): Projection => (w) => w.forEach((v, i) => (w[i] = Math.min(Math.max(v, lo), hi)));
const rows = (factor: number): Projection => (w, shape) => {
  const cols = shape[shape.length - 1]!;
  for (let r = 0; r < w.length / cols; r++) {
    let sq = 0;
    for (let c = 0; c < cols; c++) sq += w[r * cols + c]! ** 2;
    const k = factor / (1e-7 + Math.sqrt(sq));
    for (let c = 0; c < cols; c++) w[r * cols + c] = w[r * cols + c]! * k;
  }
};
const centered: Projection = (w) => {
  const mean = w.reduce((a, b) => a + b, 0) / w.length;
  w.forEach((v, i) => (w[i] = v - mean));
};

describe.each(backends)('constraints (%s)', (_name, makeEngine) => {
  it('nonNeg, clipTo, unitNormRows and a user function, applied after each update', async () => {
    const e = await makeEngine();
    const shapes = [[9], [4, 6], [5], [3, 7], [6]];
    const problem = quadratic(41, shapes);
    const vars = problem.init.map((x, k) => e.variable(Float32Array.from(x), shapes[k]));
    const projections: (Projection | null)[] = [box(0, 3.4028234663852886e38), box(-0.25, 0.5), rows(1), rows(2.5), centered];
    const opt = e.optim.adam({
      learningRate: 0.05,
      constraints: [
        { var: vars[0]!, constraint: nonNeg() },
        { var: vars[1]!, constraint: clipTo(-0.25, 0.5) },
        { var: vars[2]!, constraint: unitNormRows() },
        { var: vars[3]!, constraint: e.optim.constraints.unitNormRows(2.5) },
        { var: vars[4]!, constraint: (v: Tensor) => v.sub(v.mean()) },
      ],
    });
    const steps = 20;
    const ref: RefOptimizer = refAdam();
    const w = problem.init.map((x) => Float64Array.from(x));
    for (let s = 0; s < steps; s++) {
      opt.minimize(() => problem.loss(e, vars), vars).dispose();
      ref.step(w, problem.grad(w), s + 1, 0.05);
      w.forEach((x, k) => projections[k]?.(x, shapes[k]!));
    }
    for (let k = 0; k < vars.length; k++) expectClose(await vars[k]!.data(), w[k]!, 2e-5, 2e-4, `variable ${k}`);
    // The projections hold exactly where they should.
    expect(Math.min(...(await vars[0]!.data()))).toBeGreaterThanOrEqual(0);
    const v3 = await vars[3]!.data();
    for (let r = 0; r < 3; r++) expect(Math.hypot(...v3.subarray(r * 7, r * 7 + 7))).toBeCloseTo(2.5, 4);
    opt.dispose();
    e.dispose(vars);
  });

  it('unitNormRows on rows longer than 256 values (a workgroup per row)', async () => {
    const e = await makeEngine();
    const init = Array.from({ length: 3 * 300 }, (_, i) => Math.sin(i) + 0.1);
    const v = e.variable(init, [3, 300]);
    const opt = e.optim.sgd({ learningRate: 0, constraints: [{ var: v, constraint: unitNormRows(2) }] });
    const g = e.zeros([3, 300]);
    opt.applyGradients([g], [v]);
    const out = await v.data();
    for (let r = 0; r < 3; r++) {
      const row = init.slice(r * 300, r * 300 + 300);
      const k = 2 / (1e-7 + Math.hypot(...row));
      expectClose(out.subarray(r * 300, r * 300 + 300), row.map((x) => x * k), 1e-6, 1e-5, `row ${r}`);
    }
    opt.dispose();
    e.dispose([v, g]);
  });

  it('costs one dispatch per unitNormRows variable and none for box constraints', async () => {
    const e = await makeEngine();
    const vars = [e.variable([[1, 2], [3, 4]]), e.variable([1, -2, 3]), e.variable([5, 6])];
    const grads = vars.map((v) => e.onesLike(v));
    const opt = e.optim.sgd({ constraints: new Map<Variable, Constraint>([[vars[0]!, unitNormRows()], [vars[1]!, nonNeg()], [vars[2]!, clipTo(0, 1)]]) });
    opt.applyGradients(grads, vars);
    const before = e.stats();
    opt.applyGradients(grads, vars);
    expect(e.stats().dispatches - before.dispatches).toBe(2);
    // Two steps of w - 0.01 (sgd's default learning rate), projected after each.
    const f = Math.fround;
    const twice = (x: number) => f(f(x - f(0.01)) - f(0.01));
    expectClose(await vars[2]!.data(), [f(f(1) - f(0.01)), f(f(1) - f(0.01))], 1e-7, 1e-6);
    expectClose(await vars[1]!.data(), [twice(1), 0, twice(3)], 1e-7, 1e-6);
    opt.dispose();
    e.dispose([vars, grads]);
  });

  it('reject bad constraints', async () => {
    const e = await makeEngine();
    const v = e.variable([1, 2]);
    expect(() => clipTo(1, 0)).toThrow(/clipTo: min \(1\) must not exceed max \(0\)/);
    expect(() => e.optim.sgd({ constraints: [{ var: v, constraint: 3 as never }] })).toThrow(/is not a constraint/);
    expect(() => e.optim.sgd({ constraints: [{ var: v, constraint: nonNeg() }, { var: v, constraint: nonNeg() }] })).toThrow(/has two constraints/);
    const opt = e.optim.sgd({ constraints: [{ var: v, constraint: () => 1 as never }] });
    expect(() => opt.applyGradients([e.tensor([1, 1])], [v])).toThrow(/the function must return a tensor/);
    opt.dispose();
    v.dispose();
  });
});
