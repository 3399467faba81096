/**
 * Neural-network kernels other than convolution: pooling, batch normalisation, dropout, softmax
 * and the fused softmax cross-entropies. Shaders live in shaders/pool, shaders/norm,
 * shaders/dropout and shaders/softmax under the same names.
 */
export const nnKernelIds = [
  'max_pool2d',
  'max_pool2d_backprop',
  'max_pool2d_select',
  'avg_pool2d',
  'avg_pool2d_backprop',
  'batch_norm',
  'batch_norm_stats_partial',
  'batch_norm_stats_finalize',
  'batch_norm_grad_partial',
  'batch_norm_grad_finalize',
  'batch_norm_backprop',
  'dropout',
  'softmax',
  'log_softmax',
  'softmax_backward',
  'log_softmax_backward',
  'softmax_cross_entropy',
  'softmax_cross_entropy_backward',
  'sparse_softmax_cross_entropy',
  'sparse_softmax_cross_entropy_backward',
] as const;

export type NnKernelId = (typeof nnKernelIds)[number];

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

/**
 * y = (x - mean[c]) · rsqrt(variance[c] + epsilon) · scale[c] + offset[c] with c the last axis of
 * x. Each per-channel input has a stride of 1 (a [channels] vector) or 0 (one value for all).
 */
export interface BatchNormParams {
  n: number;
  channels: number;
  epsilon: number;
  meanStride: number;
  varianceStride: number;
  scaleStride: number;
  offsetStride: number;
}

/**
 * Column statistics of x viewed as [rows, channels], in `chunks` chunks of `rowsPerChunk` rows
 * (the last chunk may be shorter). The partial kernels write [chunks, 2, channels]; the finalize
 * kernels combine the chunks into two [channels] outputs.
 */
export interface BatchNormReduceParams {
  rows: number;
  channels: number;
  rowsPerChunk: number;
  chunks: number;
  epsilon: number;
}

/**
 * dx = gamma·invstd/M · (M·dy - sumDy - xhat·sumDyXhat) with M = rows, xhat = (x - mean)·invstd.
 */
export interface BatchNormBackpropParams {
  n: number;
  rows: number;
  channels: number;
  epsilon: number;
  gammaStride: number;
}

/**
 * Inverted dropout: y[i] = x[i] · scale where uniform01(seed, maskIndex(i), 0) >= rate, else 0.
 * maskIndex reads the coordinates of i (in `shape`) through `noiseStrides` (0 on the axes the
 * noise shape broadcasts over), so the mask is shared along those axes.
 */
export interface DropoutParams {
  n: number;
  shape: number[];
  noiseStrides: number[];
  seed: number;
  rate: number;
  scale: number;
}

/** Kernels working on the rows of a row-major [rows, cols] view (one workgroup per row). */
export interface RowParams {
  rows: number;
  cols: number;
}

export interface NnKernels {
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
  /** (x, mean, variance, scale, offset) -> y. */
  batch_norm: BatchNormParams;
  /** x -> per chunk and channel: mean and M2 (sum of squared deviations from the chunk mean). */
  batch_norm_stats_partial: BatchNormReduceParams;
  /** partial -> (mean, variance): Chan's parallel combination; population variance. */
  batch_norm_stats_finalize: BatchNormReduceParams;
  /** (x, dy, mean, variance) -> per chunk and channel: sum(dy), sum(dy·xhat). */
  batch_norm_grad_partial: BatchNormReduceParams;
  /** partial -> (sumDy, sumDyXhat): sums over the chunks (these are dbeta and dgamma). */
  batch_norm_grad_finalize: BatchNormReduceParams;
  /** (x, dy, mean, variance, gamma, sumDy, sumDyXhat) -> dx. */
  batch_norm_backprop: BatchNormBackpropParams;
  /** x -> x · mask · scale. */
  dropout: DropoutParams;
  /** x -> exp(x - max) / sum(exp(x - max)) per row. */
  softmax: RowParams;
  /** x -> x - max - log(sum(exp(x - max))) per row. */
  log_softmax: RowParams;
  /** (y, dy) -> y · (dy - sum(dy · y)). */
  softmax_backward: RowParams;
  /** (y, dy) -> dy - exp(y) · sum(dy). */
  log_softmax_backward: RowParams;
  /** (logits, labels) -> loss[r] = sum_c labels·(logsumexp - logits). */
  softmax_cross_entropy: RowParams;
  /** (logits, labels, dy[rows]) -> (dlogits = dy · (softmax · sum(labels) - labels), dlabels = dy · (lse - logits)). */
  softmax_cross_entropy_backward: RowParams;
  /** (logits, labels[rows]) -> loss[r] = logsumexp - logits[label]; NaN for labels out of range. */
  sparse_softmax_cross_entropy: RowParams;
  /** (logits, labels[rows], dy[rows]) -> dy · (softmax - onehot(label)). */
  sparse_softmax_cross_entropy_backward: RowParams;
}
