import { describe, expect, it } from 'vitest';
import { constant, cosineDecay, exponentialDecay, inverseTimeDecay, piecewiseConstant, stepDecay, type Optimizer } from '../../src/index.js';
import { backends } from '../helpers/engines.js';
import { expectClose } from '../helpers/allclose.js';
import { flat, quadratic, refAdam, refSgd, referenceTrajectory, type RefOptimizer } from './reference.js';

describe('learning-rate schedules', () => {
  it('follow the Keras formulas', () => {
    expect(constant(0.3)(1000)).toBe(0.3);
    const exp = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
    expect(exp(0)).toBe(0.1);
    expect(exp(5)).toBeCloseTo(0.1 * Math.SQRT1_2, 15);
    expect(exp(20)).toBeCloseTo(0.025, 15);
    const stair = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true });
    expect([stair(9), stair(10), stair(19), stair(20)]).toEqual([0.1, 0.05, 0.05, 0.025]);
    // The article's schedule: ×0.995 every 100 steps.
    const step = stepDecay({ initialLearningRate: 0.2, factor: 0.995, every: 100 });
    expect([step(0), step(99), step(100), step(250)]).toEqual([0.2, 0.2, 0.2 * 0.995, 0.2 * 0.995 ** 2]);
    const pw = piecewiseConstant([10, 20], [1, 0.5, 0.1]);
    expect([pw(0), pw(10), pw(11), pw(20), pw(21), pw(1e6)]).toEqual([1, 1, 0.5, 0.5, 0.1, 0.1]);
    const cos = cosineDecay({ initialLearningRate: 1, decaySteps: 100, alpha: 0.1 });
    expect(cos(0)).toBe(1);
    expect(cos(50)).toBeCloseTo(0.55, 12);
    expect(cos(100)).toBeCloseTo(0.1, 12);
    expect(cos(500)).toBeCloseTo(0.1, 12);
    const inv = inverseTimeDecay({ initialLearningRate: 1, decaySteps: 2, decayRate: 0.5 });
    expect(inv(4)).toBe(0.5);
  });

  it('reject bad parameters', () => {
    expect(() => piecewiseConstant([1, 2], [1])).toThrow(/one more value than boundaries/);
    expect(() => piecewiseConstant([2, 1], [1, 2, 3])).toThrow(/boundaries must increase/);
    expect(() => exponentialDecay({ initialLearningRate: 1, decaySteps: 0, decayRate: 0.5 })).toThrow(/decaySteps must be a positive number/);
    expect(() => cosineDecay({ initialLearningRate: NaN, decaySteps: 1 })).toThrow(/initialLearningRate must be a finite number/);
  });
});

describe.each(backends)('schedules in optimizers (%s)', (_name, makeEngine) => {
  it('drive the learning rate per step without readbacks', async () => {
    const e = await makeEngine();
    const problem = quadratic(21);
    const steps = 30;
    const runs: [string, (lr: (s: number) => number) => Optimizer, () => RefOptimizer, (s: number) => number][] = [
      ['sgd step decay', (lr) => e.optim.sgd({ learningRate: lr }), () => refSgd(), stepDecay({ initialLearningRate: 0.2, factor: 0.5, every: 7 })],
      ['adam cosine', (lr) => e.optim.adam({ learningRate: lr }), () => refAdam(), cosineDecay({ initialLearningRate: 0.1, decaySteps: 20, alpha: 0.2 })],
      ['sgd piecewise', (lr) => e.optim.sgd({ learningRate: lr, momentum: 0.5 }), () => refSgd(0.5), piecewiseConstant([5, 15], [0.1, 0.05, 0.01])],
    ];
    for (const [label, make, ref, schedule] of runs) {
      const vars = problem.init.map((x, k) => e.variable(Float32Array.from(x), problem.shapes[k]));
      const opt = make(schedule);
      opt.minimize(() => problem.loss(e, vars), vars).dispose();
      const before = e.stats();
      for (let s = 1; s < steps; s++) {
        expect(opt.learningRate).toBe(schedule(s));
        opt.minimize(() => problem.loss(e, vars), vars).dispose();
      }
      expect(e.stats().readbacks - before.readbacks).toBe(0);
      const expected = referenceTrajectory(problem, ref(), steps, schedule);
      expectClose(flat(await Promise.all(vars.map((v) => v.data()))), flat(expected), 2e-5, 2e-4, label);
      opt.dispose();
      e.dispose(vars);
    }
  });

  it("apply Keras's legacy decay option: lr / (1 + decay · iterations)", async () => {
    const e = await makeEngine();
    const problem = quadratic(22);
    const vars = problem.init.map((x, k) => e.variable(Float32Array.from(x), problem.shapes[k]));
    const opt = e.optim.sgd({ learningRate: 0.2, decay: 0.1 });
    for (let s = 0; s < 15; s++) opt.minimize(() => problem.loss(e, vars), vars).dispose();
    const expected = referenceTrajectory(problem, refSgd(), 15, (s) => 0.2 / (1 + 0.1 * s));
    expectClose(flat(await Promise.all(vars.map((v) => v.data()))), flat(expected), 2e-5, 2e-4);
    expect(() => e.optim.sgd({ learningRate: () => NaN }).learningRate).toThrow(/sgd: the learning rate at step 0 is NaN/);
    opt.dispose();
    e.dispose(vars);
  });
});
