/**
 * Reductions over the middle axis of a row-major [rows, cols, inner] view (inner = 1: the last
 * axis). Ops reducing one contiguous run of axes use that view directly; other axis sets are
 * transposed to the end first.
 *
 * With `parts` > 1 the reduced axis is split into `parts` contiguous chunks of
 * ceil(cols / parts) and the output is [rows, parts, inner] (one partial per chunk): the first
 * pass of a two-pass reduction, so that a long reduction is not left to one workgroup or one
 * invocation. The arg kernels then write the index (along the whole reduced axis) of each
 * chunk's winner, and `argmax_merge` / `argmin_merge` pick the winner among those candidates.
 */
export const reduceKernelIds = [
  'reduce_sum',
  'reduce_max',
  'reduce_min',
  'reduce_prod',
  'argmax',
  'argmin',
  'argmax_merge',
  'argmin_merge',
] as const;

export type ReduceKernelId = (typeof reduceKernelIds)[number];

export interface ReduceParams {
  rows: number;
  /** Length of the reduced axis. */
  cols: number;
  /** Elements after the reduced axis (default 1). */
  inner?: number;
  /** Chunks of the reduced axis (default 1): the output is [rows, parts, inner]. */
  parts?: number;
}

/**
 * argmax_merge / argmin_merge: inputs x [rows, cols, inner] and candidate indices along cols
 * [rows, parts, inner] (from argmax / argmin with `parts`); out[r, i] = the candidate c whose
 * x[r, c, i] wins, the smaller index at ties.
 */
export interface ArgMergeParams {
  rows: number;
  cols: number;
  inner?: number;
  parts: number;
}

export type ReduceKernels = {
  [K in Exclude<ReduceKernelId, 'argmax_merge' | 'argmin_merge'>]: ReduceParams;
} & {
  argmax_merge: ArgMergeParams;
  argmin_merge: ArgMergeParams;
};

/** Chunk length of a reduced axis split into `parts` (the same formula in the shaders). */
export function chunkLength(cols: number, parts: number): number {
  return Math.ceil(cols / parts);
}
