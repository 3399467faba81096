/**
 * Reductions over the last axis of a row-major [rows, cols] view. Ops reducing other axes first
 * transpose the reduced axes to the end (a no-op when they already are).
 *
 * With `parts` > 1 each row is split into `parts` contiguous chunks of ceil(cols / parts) columns
 * and the output is [rows, parts] (one partial per chunk): the first pass of a two-pass reduction
 * of a few very long rows, so that one row is not left to a single workgroup. The arg kernels then
 * write the column index (within the whole row) of each chunk's winner, and `argmax_merge` /
 * `argmin_merge` pick the row's winner among those candidates.
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
  cols: number;
  /** Chunks per row (default 1): the output is [rows, parts]. */
  parts?: number;
}

/**
 * argmax_merge / argmin_merge: inputs x [rows, cols] and candidate column indices [rows, parts]
 * (from argmax / argmin with `parts`); out[r] = the candidate whose value x[r, candidate] wins,
 * the smaller index at ties.
 */
export interface ArgMergeParams {
  rows: number;
  cols: number;
  parts: number;
}

export type ReduceKernels = {
  [K in Exclude<ReduceKernelId, 'argmax_merge' | 'argmin_merge'>]: ReduceParams;
} & {
  argmax_merge: ArgMergeParams;
  argmin_merge: ArgMergeParams;
};

/** Chunk length of a row split into `parts` (the same formula in the shaders). */
export function chunkLength(cols: number, parts: number): number {
  return Math.ceil(cols / parts);
}
