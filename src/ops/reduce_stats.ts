import type { Tensor } from '../tensor.js';
import { fmt, normalizeAxes, reducedShape } from '../shape.js';
import { installOps, type AsMethods } from './define.js';
import { reduceRows, release, type Axes } from './reduce.js';
import { stopGradient } from './record.js';
import { checkBoolean } from './validate.js';
import { describeValue } from '../values.js';

/** Orders of `norm` (tf.norm's, plus -Infinity and -1): a positive number is a p-norm. */
export type NormOrder = 'euclidean' | 'fro' | number;

/** Drops the reduced axes of a keepDims result unless they are to be kept. */
function finish(t: Tensor, x: Tensor, ax: readonly number[], keepDims: boolean): Tensor {
  if (keepDims) return t;
  const out = t.reshape(reducedShape(x.shape, ax, false));
  release(t);
  return out;
}

/** Applies `steps` in turn, disposing each intermediate when no tape needs it. */
function chain(x: Tensor, ...steps: ((t: Tensor) => Tensor)[]): Tensor {
  let t = x;
  for (const step of steps) {
    const next = step(t);
    release(t, x);
    t = next;
  }
  return t;
}

/**
 * √t with gradient 0 where t is 0 (a subgradient) instead of 0 · ∞ = NaN: the square root only
 * ever sees positive values (the double-`where` trick), so no NaN reaches the backward pass.
 */
function safeSqrt(t: Tensor): Tensor {
  const positive = t.greater(0);
  const out = chain(t, (s) => positive.where(s, 1), (s) => s.sqrt(), (s) => positive.where(s, 0));
  release(positive);
  return out;
}

/** The vector p-norm of x over `ax` (keepDims shape). */
function vectorNorm(x: Tensor, ax: number[], ord: NormOrder): Tensor {
  if (ord === 'euclidean' || ord === 'fro' || ord === 2) return chain(x, (t) => t.square(), (t) => t.sum(ax, true), safeSqrt);
  if (ord === 1) return chain(x, (t) => t.abs(), (t) => t.sum(ax, true));
  if (ord === Infinity) return chain(x, (t) => t.abs(), (t) => t.max(ax, true));
  if (ord === -Infinity) return chain(x, (t) => t.abs(), (t) => t.min(ax, true));
  if (typeof ord === 'number' && ord > 0) {
    return chain(x, (t) => t.abs(), (t) => t.pow(ord), (t) => t.sum(ax, true), (t) => t.pow(1 / ord));
  }
  throw new Error(`norm: ord ${String(ord)} is not supported for vectors (use 'euclidean', 'fro', a positive number, Infinity or -Infinity)`);
}

/** The matrix norm of x over the axis pair [rowAxis, colAxis] (keepDims shape). */
function matrixNorm(x: Tensor, [rowAxis, colAxis]: [number, number], ord: NormOrder): Tensor {
  if (ord === 'euclidean' || ord === 'fro') return vectorNorm(x, [rowAxis, colAxis], 'euclidean');
  // 1: the largest column sum of |x|; Infinity: the largest row sum (negative: the smallest).
  const sumAxis = ord === 1 || ord === -1 ? rowAxis : colAxis;
  const pickAxis = sumAxis === rowAxis ? colAxis : rowAxis;
  if (ord === 1 || ord === Infinity) return chain(x, (t) => t.abs(), (t) => t.sum(sumAxis, true), (t) => t.max(pickAxis, true));
  if (ord === -1 || ord === -Infinity) return chain(x, (t) => t.abs(), (t) => t.sum(sumAxis, true), (t) => t.min(pickAxis, true));
  if (ord === 2 || ord === -2) throw new Error(`norm: the matrix ${String(ord)}-norm (singular values) is not supported; use 'fro', 1 or Infinity`);
  throw new Error(`norm: ord ${String(ord)} is not supported for matrices (use 'fro', 'euclidean', 1, -1, Infinity or -Infinity)`);
}

/** Reductions built from other ops, which also give their gradients. */
export const statsOps = {
  /**
   * log(sum(exp(x))) over `axes`, computed as m + log(sum(exp(x - m))) with m the maximum (not
   * differentiated: it cancels), so large inputs do not overflow. The gradient is softmax(x)·dy.
   * Rows of -Infinity give -Infinity.
   */
  logSumExp: (x: Tensor, axes?: Axes, keepDims = false): Tensor => {
    x.engine.checkInputs('logSumExp', [x]);
    const ax = normalizeAxes('logSumExp', axes, x.rank);
    checkBoolean('logSumExp', 'keepDims', keepDims);
    // To the tape the shift is a constant.
    const peak = stopGradient(reduceRows('reduce_max', 'logSumExp', x, ax, true));
    const finitePeak = peak.isFinite();
    const shift = finitePeak.where(peak, 0);
    release(peak);
    release(finitePeak);
    const out = chain(x, (t) => t.sub(shift), (t) => t.exp(), (t) => t.sum(ax, true), (t) => t.log(), (t) => t.add(shift));
    release(shift);
    return finish(out, x, ax, keepDims);
  },
  /** Population variance over `axes` (tf.math.reduce_variance, the variance of tf.moments). */
  variance: (x: Tensor, axes?: Axes, keepDims = false): Tensor => {
    x.engine.checkInputs('variance', [x]);
    const ax = normalizeAxes('variance', axes, x.rank);
    checkBoolean('variance', 'keepDims', keepDims);
    const mean = x.mean(ax, true);
    const out = chain(x, (t) => t.squaredDifference(mean), (t) => t.mean(ax, keepDims));
    release(mean);
    return out;
  },
  /**
   * Population standard deviation over `axes` (tf.math.reduce_std). Where the variance is 0 the
   * gradient is 0 (TensorFlow gives NaN there).
   */
  std: (x: Tensor, axes?: Axes, keepDims = false): Tensor => {
    x.engine.checkInputs('std', [x]);
    normalizeAxes('std', axes, x.rank);
    checkBoolean('std', 'keepDims', keepDims);
    return chain(x, (t) => t.variance(axes, keepDims), safeSqrt);
  },
  /**
   * Norms, as tf.norm. `axis` omitted: x is one vector (all elements); a number: a batch of
   * vectors along that axis; a pair: a batch of matrices over those axes. Vector orders:
   * 'euclidean' (default, also 'fro' and 2), 1, Infinity (max |x|), -Infinity (min |x|) or any
   * positive p. Matrix orders: 'fro'/'euclidean', 1 (max column sum), Infinity (max row sum), -1
   * and -Infinity (the minimum ones). The Euclidean norm's gradient at 0 is 0 (TensorFlow: NaN).
   */
  norm: (x: Tensor, ord: NormOrder = 'euclidean', axis?: number | readonly number[], keepDims = false): Tensor => {
    x.engine.checkInputs('norm', [x]);
    if (!(ord === 'euclidean' || ord === 'fro' || (typeof ord === 'number' && !Number.isNaN(ord)))) {
      throw new Error(`norm: ord must be 'euclidean', 'fro' or a number, got ${describeValue(ord)}`);
    }
    if (axis !== undefined && !Number.isInteger(axis) && !(Array.isArray(axis) && (axis.length === 1 || axis.length === 2))) {
      throw new Error(`norm: axis must be an integer or a pair of integers, got ${describeValue(axis)}`);
    }
    checkBoolean('norm', 'keepDims', keepDims);
    if (Array.isArray(axis) && axis.length === 2) {
      const [rowAxis, colAxis] = (axis as number[]).map((a) => normalizeAxes('norm', a, x.rank)[0]!) as [number, number];
      if (rowAxis === colAxis) throw new Error(`norm: the matrix axes ${describeValue(axis)} must be two different axes of ${fmt(x.shape)}`);
      return finish(matrixNorm(x, [rowAxis, colAxis], ord), x, [rowAxis, colAxis].sort((p, q) => p - q), keepDims);
    }
    if (Array.isArray(axis) && axis.length !== 1) {
      throw new Error(`norm: axis must be a number or a pair of axes, got ${describeValue(axis)}`);
    }
    const ax = normalizeAxes('norm', axis as Axes, x.rank);
    return finish(vectorNorm(x, ax, ord), x, ax, keepDims);
  },
};

type StatsOps = typeof statsOps;

declare module '../tensor.js' {
  interface Tensor extends AsMethods<StatsOps> {}
}
declare module '../engine.js' {
  interface Engine extends StatsOps {}
}

installOps(statsOps, 'tensor');
