/** Kernels that make values from nothing: constants, ramps and seeded random numbers. */
export const creationKernelIds = ['fill', 'iota', 'random_uniform', 'random_normal'] as const;

export interface FillParams {
  n: number;
  value: number;
}

/** out[i] = start + i * step. */
export interface IotaParams {
  n: number;
  start: number;
  step: number;
}

/**
 * Counter-based random numbers: element i depends only on (seed, i), so the CPU twin and the GPU
 * produce the same values and a tensor is reproducible from its seed.
 */
export interface RandomParams {
  n: number;
  seed: number;
  /** uniform: [low, high); normal: mean and standard deviation. */
  a: number;
  b: number;
}

export interface CreationKernels {
  fill: FillParams;
  iota: IotaParams;
  random_uniform: RandomParams;
  random_normal: RandomParams;
}
