import type { Tensor } from '../tensor.js';
import { normalizeAxes } from '../shape.js';
import type { GradientTable } from '../autodiff/rules.js';
import { installOps, type AsMethods } from './define.js';
import { keptShape, reduceRows, type Axes, type AxesContext } from './reduce.js';
import { record } from './record.js';

/** Length of the blocks the exclusive product recurses over (the base case spreads n x n). */
const block = 4;

/**
 * For each row of x [rows, n]: out[r, i] = the product of x[r, j] over j != i. Computed without
 * dividing by x[r, i] (so zeros are fine) and from differentiable ops only (so the second
 * derivative of prod is right too):
 * - n <= block: a [rows, n, n] tensor holding the row n times with 1 on the diagonal, reduced by prod;
 * - longer rows, in blocks of `block` (padded with ones): the product of the others within the
 *   block times the product of the other blocks, the same problem on n / block block products.
 * Backward rules call it, inside the tape's tidy scope, so intermediates need no disposing here.
 */
function exclusiveProducts(x: Tensor): Tensor {
  const e = x.engine;
  const [rows, n] = x.shape as [number, number];
  if (n === 1) return x.onesLike();
  if (n <= block) return e.eye(n).where(1, x.reshape([rows, 1, n])).prod(-1);
  const blocks = Math.ceil(n / block);
  const padding = blocks * block - n;
  const padded = padding === 0 ? x : x.pad([[0, 0], [0, padding]], 1);
  const grouped = padded.reshape([rows, blocks, block]);
  const within = exclusiveProducts(grouped.reshape([rows * blocks, block])).reshape([rows, blocks, block]);
  const across = exclusiveProducts(grouped.prod(2)).reshape([rows, blocks, 1]);
  const all = within.mul(across).reshape([rows, blocks * block]);
  return padding === 0 ? all : all.slice([0, 0], [rows, n]);
}

/** For every element of x, the product of the other elements of its block over `axes`. */
function productOfOthers(x: Tensor, ax: readonly number[]): Tensor {
  const kept = x.shape.map((_, i) => i).filter((i) => !ax.includes(i));
  const perm = [...kept, ...ax];
  const inPlace = perm.every((p, i) => p === i);
  const moved = inPlace ? x : x.transpose(perm);
  const cols = ax.reduce((n, a) => n * x.shape[a]!, 1);
  const others = exclusiveProducts(moved.reshape([x.size / cols, cols])).reshape(moved.shape);
  if (inPlace) return others;
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return others.transpose(inverse);
}

/** The product reduction the tape records. */
export interface ProdContexts {
  reduce_prod: AxesContext;
}

/**
 * The gradient of each element is dy times the product of the others, computed without division:
 * exact when inputs contain zeros, and itself differentiable (second derivatives work).
 */
export const prodGradients: GradientTable<ProdContexts> = {
  reduce_prod: ({ x, axes }, dy) => {
    if (x.size === 0) return [x.zerosLike()];
    return [dy.reshape(keptShape(x, axes)).mul(productOfOthers(x, axes))];
  },
};

/** Product reduction. */
export const prodOps = {
  /**
   * Product over `axes` (all when omitted). The gradient of each element is dy times the product
   * of the others, computed without division: exact when inputs contain zeros, and itself
   * differentiable (second derivatives work).
   */
  prod: (x: Tensor, axes?: Axes, keepDims = false): Tensor => {
    const out = reduceRows('reduce_prod', 'prod', x, axes, keepDims);
    if (x.engine.isRecording) record('reduce_prod', out, [x], { x, axes: normalizeAxes('prod', axes, x.rank) });
    return out;
  },
};

type ProdOps = typeof prodOps;

declare module '../tensor.js' {
  interface Tensor extends AsMethods<ProdOps> {}
}
declare module '../engine.js' {
  interface Engine extends ProdOps {}
}

installOps(prodOps, 'tensor');
