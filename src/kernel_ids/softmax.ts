/**
 * Softmax, log-softmax, their gradients and the fused softmax cross-entropies (shaders/softmax,
 * under the same names).
 */
export const softmaxKernelIds = [
  'softmax',
  'log_softmax',
  'softmax_backward',
  'log_softmax_backward',
  'softmax_cross_entropy',
  'softmax_cross_entropy_backward',
  'sparse_softmax_cross_entropy',
  'sparse_softmax_cross_entropy_backward',
] as const;

/** A softmax kernel id. */
export type SoftmaxKernelId = (typeof softmaxKernelIds)[number];

/** Kernels working on the rows of a row-major [rows, cols] view (one workgroup per row). */
export interface RowParams {
  rows: number;
  cols: number;
}

/** The parameters of each softmax kernel. */
export interface SoftmaxKernels {
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
