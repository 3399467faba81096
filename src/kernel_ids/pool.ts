/** Pooling kernels (shaders/pool, under the same names). */
export const poolKernelIds = [
  'max_pool2d',
  'max_pool2d_backprop',
  'max_pool2d_select',
  'avg_pool2d',
  'avg_pool2d_backprop',
] as const;

/** A pooling kernel id. */
export type PoolKernelId = (typeof poolKernelIds)[number];

/**
 * 2-D pooling over NHWC: x is [batch, inH, inW, channels], y is [batch, outH, outW, channels].
 * Window (oh, ow) covers input rows oh·strideH - padTop + [0, poolH) and columns likewise;
 * positions outside the input are padding and take no part (TensorFlow's rule for both pools).
 */
export interface Pool2dParams {
  batch: number;
  inH: number;
  inW: number;
  channels: number;
  outH: number;
  outW: number;
  poolH: number;
  poolW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
}

/** The parameters of each pooling kernel. */
export interface PoolKernels {
  /** y = the first largest element of each window (row-major order; NaN-free inputs). */
  max_pool2d: Pool2dParams;
  /** (x, dy) -> dx: each input element gathers dy of the windows whose first max it is. */
  max_pool2d_backprop: Pool2dParams;
  /** (x, v) -> out[window] = v[argmax_x(window)]: the adjoint of max_pool2d_backprop in dy. */
  max_pool2d_select: Pool2dParams;
  /** y = mean of the valid (non-padding) elements of each window. */
  avg_pool2d: Pool2dParams;
  /** dy -> dx: each input element gathers dy/count of the windows covering it. */
  avg_pool2d_backprop: Pool2dParams;
}
