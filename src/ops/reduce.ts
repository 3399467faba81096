import type { Tensor } from '../tensor.js';
import type { ReduceKernelId } from '../kernels/reduce.js';
import { normalizeAxes, reducedShape, sizeOf } from '../shape.js';
import { installOps, type AsMethods } from './define.js';

/** Axes to reduce: one, several, or all when omitted. */
export type Axes = number | readonly number[] | undefined;

/**
 * Runs a row-reduction kernel over `axes`: the reduced axes are moved last (a copy only when they
 * are not already last), then each row of the [kept, reduced] view is reduced.
 */
export function reduceRows(kernel: ReduceKernelId, opName: string, x: Tensor, axes: Axes, keepDims: boolean): Tensor {
  const e = x.engine;
  e.checkInputs(opName, [x]);
  const ax = normalizeAxes(opName, axes, x.rank);
  const kept = x.shape.map((_, i) => i).filter((i) => !ax.includes(i));
  const perm = [...kept, ...ax];
  const moved = perm.every((p, i) => p === i) ? x : x.transpose(perm);
  const cols = sizeOf(ax.map((a) => x.shape[a]!));
  const rows = sizeOf(kept.map((a) => x.shape[a]!));
  const dtype = kernel === 'argmax' || kernel === 'argmin' ? 'int32' : x.dtype === 'bool' ? 'float32' : x.dtype;
  const out = e.runKernel(kernel, [moved], reducedShape(x.shape, ax, keepDims), dtype, { rows, cols });
  if (moved !== x) moved.dispose();
  return out;
}

/** Reductions over any axes; `keepDims` keeps reduced axes as size 1. */
export const reduceOps = {
  /** Sum over `axes` (all when omitted). */
  sum: (x: Tensor, axes?: Axes, keepDims = false): Tensor => {
    const out = reduceRows('reduce_sum', 'sum', x, axes, keepDims);
    const e = x.engine;
    if (e.isRecording) {
      const ax = normalizeAxes('sum', axes, x.rank);
      e.record('sum', out, [x], (dy) => [dy.reshape(reducedShape(x.shape, ax, true)).broadcastTo(x.shape)]);
    }
    return out;
  },
  /** Mean over `axes` (all when omitted). */
  mean: (x: Tensor, axes?: Axes, keepDims = false): Tensor => {
    const ax = normalizeAxes('mean', axes, x.rank);
    const count = sizeOf(ax.map((a) => x.shape[a]!));
    return x.sum(ax, keepDims).div(count);
  },
};

type ReduceOps = typeof reduceOps;

declare module '../tensor.js' {
  interface Tensor extends AsMethods<ReduceOps> {}
}
declare module '../engine.js' {
  interface Engine extends ReduceOps {}
}

installOps(reduceOps);
