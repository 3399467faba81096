import { describe, expect, it } from 'vitest';
import type { Engine, Optimizer, OptimizerState } from '../../src/index.js';
import { backends } from '../helpers/engines.js';
import { nonConvex } from './reference.js';

const kinds: [string, (e: Engine) => Optimizer][] = [
  ['adam amsgrad', (e) => e.optim.adam({ learningRate: 0.05, amsgrad: true })],
  ['nadam', (e) => e.optim.nadam({ learningRate: 0.01 })],
  ['rmsprop centered momentum', (e) => e.optim.rmsprop({ learningRate: 0.005, momentum: 0.3, centered: true, epsilon: 1e-3 })],
  ['adagrad', (e) => e.optim.adagrad({ learningRate: 0.1 })],
  ['sgd', (e) => e.optim.sgd({ learningRate: 0.02 })],
];

describe.each(backends)('optimizer state (%s)', (_name, makeEngine) => {
  for (const [label, make] of kinds) {
    it(`${label}: getState/setState resumes the same trajectory`, async () => {
      const e = await makeEngine();
      const problem = nonConvex(61);
      const vars = problem.init.map((x, k) => e.variable(Float32Array.from(x), problem.shapes[k], { name: `w${k}` }));
      const opt = make(e);
      for (let s = 0; s < 8; s++) opt.minimize(() => problem.loss(e, vars), vars).dispose();
      const saved = await opt.getState();
      const savedValues = await Promise.all(vars.map((v) => v.data()));
      expect(saved.iterations).toBe(8);
      expect(Object.keys(saved.slots).sort()).toEqual(['w0', 'w1', 'w2']);
      expect(Object.keys(saved.slots.w2!)).toEqual(opt.slotNames);
      for (let s = 0; s < 8; s++) opt.minimize(() => problem.loss(e, vars), vars).dispose();
      const final = await Promise.all(vars.map((v) => v.data()));

      // A fresh optimizer and fresh variables with the same names, state set before the first step.
      const resumed = savedValues.map((x, k) => e.variable(x, problem.shapes[k], { name: `w${k}` }));
      const opt2 = make(e);
      opt2.setState(saved);
      for (let s = 0; s < 8; s++) opt2.minimize(() => problem.loss(e, resumed), resumed).dispose();
      const again = await Promise.all(resumed.map((v) => v.data()));
      again.forEach((x, k) => expect(Array.from(x)).toEqual(Array.from(final[k]!)));

      // setState on an optimizer that already has arenas: rewinds it.
      vars.forEach((v, k) => v.assign(savedValues[k]!));
      opt.setState(saved);
      for (let s = 0; s < 8; s++) opt.minimize(() => problem.loss(e, vars), vars).dispose();
      const rewound = await Promise.all(vars.map((v) => v.data()));
      rewound.forEach((x, k) => expect(Array.from(x)).toEqual(Array.from(final[k]!)));
      opt.dispose();
      opt2.dispose();
      e.dispose([vars, resumed]);
    });
  }

  it('getState reports initial slot values and setState checks what it is given', async () => {
    const e = await makeEngine();
    const v = e.variable([1, 2, 3], undefined, { name: 'v' });
    const opt = e.optim.adagrad({ initialAccumulatorValue: 0.25 });
    expect(await opt.getState()).toEqual({ iterations: 0, slots: {} });
    opt.applyGradients([e.tensor([1, 0, 2])], [v]);
    const state = await opt.getState();
    expect(state.iterations).toBe(1);
    expect(Array.from(state.slots.v!.accumulator!)).toEqual([1.25, 0.25, 4.25]);
    const bad: OptimizerState = { iterations: 1, slots: { v: { m: new Float32Array(3) } } };
    expect(() => opt.setState(bad)).toThrow(/setState: variable 'v' has slots \[m\], adagrad with these options has \[accumulator\]/);
    expect(() => opt.setState({ iterations: -1, slots: {} })).toThrow(/iterations must be a non-negative integer/);
    expect(() => opt.setState({ iterations: 0, slots: { v: { accumulator: new Float32Array(2) } } })).toThrow(
      /slot 'accumulator' of variable 'v' has 2 values, the variable 3/,
    );
    opt.dispose();
    v.dispose();
  });
});
