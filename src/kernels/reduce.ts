/**
 * Reductions over the last axis of a row-major [rows, cols] view. Ops reducing other axes first
 * transpose the reduced axes to the end (a no-op when they already are).
 */
export const reduceKernelIds = ['reduce_sum', 'reduce_max', 'reduce_min', 'reduce_prod', 'argmax', 'argmin'] as const;

export type ReduceKernelId = (typeof reduceKernelIds)[number];

export interface ReduceParams {
  rows: number;
  cols: number;
}

export type ReduceKernels = { [K in ReduceKernelId]: ReduceParams };
