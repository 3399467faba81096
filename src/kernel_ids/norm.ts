/** Batch-normalisation kernels (shaders/norm, under the same names). */
export const normKernelIds = [
  'batch_norm',
  'batch_norm_stats_partial',
  'batch_norm_stats_finalize',
  'batch_norm_grad_partial',
  'batch_norm_grad_finalize',
  'batch_norm_backprop',
] as const;

/** A batch-norm kernel id. */
export type NormKernelId = (typeof normKernelIds)[number];

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

/** The parameters of each batch-norm kernel. */
export interface NormKernels {
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
}
