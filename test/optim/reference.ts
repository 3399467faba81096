/**
 * Float64 references of the optimizers, written from the published Keras formulas (the docstrings
 * and update rules of tf.keras.optimizers in TF 2.1, AdamW and Lion from Keras 2.11+), and the test
 * problems with their analytic gradients. Independent of the library's code.
 */
import type { Engine, Tensor, Variable } from '../../src/index.js';
import { rng } from '../helpers/random.js';

/** One optimizer in float64: updates `w` in place from `g` at step t (1-based) with rate lr. */
export interface RefOptimizer {
  step(w: Float64Array[], g: Float64Array[], t: number, lr: number): void;
}

/** Per-variable slots, created on the first step. */
function slotsOf(store: Float64Array[][], w: Float64Array[], count: number, init = 0): Float64Array[][] {
  if (store.length === 0) for (const x of w) store.push(Array.from({ length: count }, () => new Float64Array(x.length).fill(init)));
  return store;
}

/** Applies `f(i, element index, slots)` over every element of every variable. */
function each(w: Float64Array[], g: Float64Array[], store: Float64Array[][], f: (w: Float64Array, g: number, i: number, s: Float64Array[]) => void): void {
  w.forEach((x, k) => {
    for (let i = 0; i < x.length; i++) f(x, g[k]![i]!, i, store[k]!);
  });
}

export function refSgd(momentum = 0, nesterov = false): RefOptimizer {
  const store: Float64Array[][] = [];
  return {
    step(w, g, _t, lr) {
      slotsOf(store, w, 1);
      each(w, g, store, (x, gi, i, [v]) => {
        if (momentum === 0) {
          x[i] = x[i]! - lr * gi;
          return;
        }
        v![i] = momentum * v![i]! - lr * gi;
        x[i] = nesterov ? x[i]! + momentum * v![i]! - lr * gi : x[i]! + v![i]!;
      });
    },
  };
}

export function refRmsprop(o: { rho?: number; momentum?: number; epsilon?: number; centered?: boolean; epsilonInside?: boolean } = {}): RefOptimizer {
  const { rho = 0.9, momentum = 0, epsilon = 1e-7, centered = false, epsilonInside = true } = o;
  const store: Float64Array[][] = [];
  return {
    step(w, g, _t, lr) {
      slotsOf(store, w, 3);
      each(w, g, store, (x, gi, i, [ms, mom, mg]) => {
        ms![i] = rho * ms![i]! + (1 - rho) * gi * gi;
        let denom = ms![i]!;
        if (centered) {
          mg![i] = rho * mg![i]! + (1 - rho) * gi;
          denom -= mg![i]! * mg![i]!;
        }
        const d = epsilonInside ? Math.sqrt(denom + epsilon) : Math.sqrt(denom) + epsilon;
        mom![i] = momentum * mom![i]! + (lr * gi) / d;
        x[i] = x[i]! - mom![i]!;
      });
    },
  };
}

export function refAdam(o: { beta1?: number; beta2?: number; epsilon?: number; amsgrad?: boolean; weightDecay?: number } = {}): RefOptimizer {
  const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7, amsgrad = false, weightDecay = 0 } = o;
  const store: Float64Array[][] = [];
  return {
    step(w, g, t, lr) {
      slotsOf(store, w, 3);
      const lrT = (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
      each(w, g, store, (x, gi, i, [m, v, vhat]) => {
        x[i] = x[i]! - x[i]! * weightDecay * lr;
        m![i] = beta1 * m![i]! + (1 - beta1) * gi;
        v![i] = beta2 * v![i]! + (1 - beta2) * gi * gi;
        vhat![i] = Math.max(vhat![i]!, v![i]!);
        x[i] = x[i]! - (lrT * m![i]!) / (Math.sqrt(amsgrad ? vhat![i]! : v![i]!) + epsilon);
      });
    },
  };
}

export function refAdamax(o: { beta1?: number; beta2?: number; epsilon?: number } = {}): RefOptimizer {
  const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 } = o;
  const store: Float64Array[][] = [];
  return {
    step(w, g, t, lr) {
      slotsOf(store, w, 2);
      each(w, g, store, (x, gi, i, [m, u]) => {
        m![i] = beta1 * m![i]! + (1 - beta1) * gi;
        u![i] = Math.max(beta2 * u![i]!, Math.abs(gi));
        x[i] = x[i]! - ((lr / (1 - beta1 ** t)) * m![i]!) / (u![i]! + epsilon);
      });
    },
  };
}

/** TF 2.1 Nadam: Dozat's momentum schedule with decay 0.004. */
export function refNadam(o: { beta1?: number; beta2?: number; epsilon?: number } = {}): RefOptimizer {
  const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 } = o;
  const store: Float64Array[][] = [];
  let mCache = 1;
  const mu = (t: number): number => beta1 * (1 - 0.5 * 0.96 ** (0.004 * t));
  return {
    step(w, g, t, lr) {
      slotsOf(store, w, 2);
      const scheduleNew = mCache * mu(t);
      mCache = scheduleNew;
      const scheduleNext = scheduleNew * mu(t + 1);
      each(w, g, store, (x, gi, i, [m, v]) => {
        const gPrime = gi / (1 - scheduleNew);
        m![i] = beta1 * m![i]! + (1 - beta1) * gi;
        const mPrime = m![i]! / (1 - scheduleNext);
        v![i] = beta2 * v![i]! + (1 - beta2) * gi * gi;
        const vPrime = v![i]! / (1 - beta2 ** t);
        const mBar = (1 - mu(t)) * gPrime + mu(t + 1) * mPrime;
        x[i] = x[i]! - (lr * mBar) / (Math.sqrt(vPrime) + epsilon);
      });
    },
  };
}

export function refAdagrad(o: { initialAccumulatorValue?: number; epsilon?: number } = {}): RefOptimizer {
  const { initialAccumulatorValue = 0.1, epsilon = 1e-7 } = o;
  const store: Float64Array[][] = [];
  return {
    step(w, g, _t, lr) {
      slotsOf(store, w, 1, initialAccumulatorValue);
      each(w, g, store, (x, gi, i, [acc]) => {
        acc![i] = acc![i]! + gi * gi;
        x[i] = x[i]! - (lr * gi) / (Math.sqrt(acc![i]!) + epsilon);
      });
    },
  };
}

export function refAdadelta(o: { rho?: number; epsilon?: number } = {}): RefOptimizer {
  const { rho = 0.95, epsilon = 1e-7 } = o;
  const store: Float64Array[][] = [];
  return {
    step(w, g, _t, lr) {
      slotsOf(store, w, 2);
      each(w, g, store, (x, gi, i, [accGrad, accVar]) => {
        accGrad![i] = rho * accGrad![i]! + (1 - rho) * gi * gi;
        const update = (Math.sqrt(accVar![i]! + epsilon) / Math.sqrt(accGrad![i]! + epsilon)) * gi;
        accVar![i] = rho * accVar![i]! + (1 - rho) * update * update;
        x[i] = x[i]! - lr * update;
      });
    },
  };
}

export function refLion(o: { beta1?: number; beta2?: number; weightDecay?: number } = {}): RefOptimizer {
  const { beta1 = 0.9, beta2 = 0.99, weightDecay = 0 } = o;
  const store: Float64Array[][] = [];
  return {
    step(w, g, _t, lr) {
      slotsOf(store, w, 1);
      each(w, g, store, (x, gi, i, [m]) => {
        x[i] = x[i]! - x[i]! * weightDecay * lr;
        x[i] = x[i]! - lr * Math.sign(beta1 * m![i]! + (1 - beta1) * gi);
        m![i] = beta2 * m![i]! + (1 - beta2) * gi;
      });
    },
  };
}

/** A test problem: initial values, the loss with ops, and its gradient in float64. */
export interface Problem {
  name: string;
  shapes: number[][];
  init: Float64Array[];
  loss(e: Engine, vars: readonly Variable[]): Tensor;
  grad(w: readonly Float64Array[]): Float64Array[];
}

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Constant tensors of a problem, made once per engine and kept out of tidy scopes. */
function constantsFor(cache: WeakMap<Engine, Tensor[]>, e: Engine, make: () => Tensor[]): Tensor[] {
  let ts = cache.get(e);
  if (!ts) {
    ts = make().map((t) => e.keep(t));
    cache.set(e, ts);
  }
  return ts;
}

function randomArrays(shapes: number[][], lo: number, hi: number, seed: number): Float64Array[] {
  const r = rng(seed);
  return shapes.map((s) => Float64Array.from({ length: size(s) }, () => Math.fround(lo + (hi - lo) * r())));
}

/**
 * sum_k sum(a_k ⊙ (x_k - c_k)²), a per-element curvature in [0.2, 2]: a random quadratic over
 * several variables of odd sizes (66 elements: just past the GPU's 64-element view alignment).
 */
export function quadratic(seed: number, shapes: number[][] = [[7], [1], [3, 22]]): Problem {
  const a = randomArrays(shapes, 0.2, 2, seed);
  const c = randomArrays(shapes, -1, 1, seed + 1);
  const cache = new WeakMap<Engine, Tensor[]>();
  return {
    name: 'quadratic',
    shapes,
    init: randomArrays(shapes, -2, 2, seed + 2),
    loss(e, vars) {
      const ts = constantsFor(cache, e, () => [...a, ...c].map((x, k) => e.tensor(Float32Array.from(x), shapes[k % shapes.length])));
      let total: Tensor | null = null;
      vars.forEach((x, k) => {
        const term = x.squaredDifference(ts[shapes.length + k]!).mul(ts[k]!).sum();
        total = total ? total.add(term) : term;
      });
      return total!;
    },
    grad: (w) => w.map((x, k) => x.map((xi, i) => 2 * a[k]![i]! * (xi - c[k]![i]!))),
  };
}

/**
 * A non-convex problem: Rosenbrock-like pairs (1 - x)² + (y - x²)² elementwise over x and y [7],
 * plus sum(sin(3z) / 2 + (z - c)² / 10) over z [3,5] (several local minima). Mild enough that the
 * test's learning rates keep float32 and float64 trajectories together (no chaotic oscillation).
 */
export function nonConvex(seed: number): Problem {
  const shapes = [[7], [7], [3, 5]];
  const [c] = randomArrays([[3, 5]], -1, 1, seed + 3);
  const cache = new WeakMap<Engine, Tensor[]>();
  return {
    name: 'non-convex',
    shapes,
    init: randomArrays(shapes, -1.2, 1.2, seed + 4),
    loss(e, [x, y, z]) {
      const rosen = x!.neg().add(1).square().add(y!.sub(x!.square()).square()).sum();
      const [ct] = constantsFor(cache, e, () => [e.tensor(Float32Array.from(c!), [3, 5])]);
      const wavy = z!.mul(3).sin().mul(0.5).add(z!.sub(ct!).square().mul(0.1)).sum();
      return rosen.add(wavy);
    },
    grad([x, y, z]) {
      const gx = x!.map((xi, i) => -2 * (1 - xi) - 4 * xi * (y![i]! - xi * xi));
      const gy = y!.map((yi, i) => 2 * (yi - x![i]! * x![i]!));
      const gz = z!.map((zi, i) => 1.5 * Math.cos(3 * zi) + 0.2 * (zi - c![i]!));
      return [gx, gy, gz];
    },
  };
}

/** Runs the reference for `steps` steps; lrAt gives the learning rate of each step (0-based). */
export function referenceTrajectory(problem: Problem, opt: RefOptimizer, steps: number, lrAt: (step: number) => number): Float64Array[] {
  const w = problem.init.map((x) => Float64Array.from(x));
  for (let s = 0; s < steps; s++) opt.step(w, problem.grad(w), s + 1, lrAt(s));
  return w;
}

/** Flattens a list of arrays (to compare all variables at once). */
export function flat(arrays: readonly ArrayLike<number>[]): number[] {
  return arrays.flatMap((a) => Array.from(a));
}
