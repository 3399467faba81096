/** Kernels of the NaN/Inf tracer (src/debug/nan_tracer.ts): they watch values, never make tensors. */
export const debugKernelIds = ['debug_nonfinite'] as const;

/** A debug kernel id. */
export type DebugKernelId = (typeof debugKernelIds)[number];

/**
 * flags[slot] = 1 when any of x[0..n) is NaN or infinite; otherwise flags is left as it is (the
 * tracer zeroes it after each read), so chunks of one tensor may share a slot.
 */
export interface NonFiniteParams {
  n: number;
  slot: number;
}

/** The parameters of each debug kernel. */
export interface DebugKernels {
  /** x, flags -> flags[slot] set where x holds a non-finite value. */
  debug_nonfinite: NonFiniteParams;
}
