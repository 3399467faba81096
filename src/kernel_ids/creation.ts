/** Kernels that make values from nothing: constants, ramps, identity matrices and seeded random numbers. */
export const creationKernelIds = ['fill', 'iota', 'eye', 'random_uniform', 'random_normal'] as const;

export interface FillParams {
  n: number;
  value: number;
}

/**
 * out[i] = start + i * step, except out[n - 1] = last: the caller computes the end point in double
 * precision, so linspace ends exactly on `stop` (numpy's guarantee) and range on its last value.
 */
export interface IotaParams {
  n: number;
  start: number;
  step: number;
  last: number;
}

/** Row-major [rows, cols] (times a batch): out = 1 where row == col, else 0. */
export interface EyeParams {
  /** Total elements: batch * rows * cols. */
  n: number;
  rows: number;
  cols: number;
}

/**
 * Counter-based random numbers: element i depends only on (seed, i), so the CPU twin and the GPU
 * produce the same values and a tensor is reproducible from its seed.
 */
export interface RandomUniformParams {
  n: number;
  /** An unsigned 32-bit integer. */
  seed: number;
  /** Values in [low, high). */
  low: number;
  high: number;
  /**
   * 1: integers low + (hash mod (high - low)) for int32 tensors (integer arithmetic, so exact on
   * every device; low and high must be integers); 0: floats low + (high - low) * u.
   */
  integer: number;
}

/** Normal numbers by Box-Muller from two uniform streams per attempt. */
export interface RandomNormalParams {
  n: number;
  /** An unsigned 32-bit integer. */
  seed: number;
  mean: number;
  stddev: number;
  /** 1: redraw values more than two standard deviations from the mean (truncated normal). */
  truncated: number;
}

export interface CreationKernels {
  fill: FillParams;
  iota: IotaParams;
  eye: EyeParams;
  random_uniform: RandomUniformParams;
  random_normal: RandomNormalParams;
}
