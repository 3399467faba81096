/** The dropout kernel (shaders/dropout/dropout.wgsl). */
export const dropoutKernelIds = ['dropout'] as const;

/** A dropout kernel id. */
export type DropoutKernelId = (typeof dropoutKernelIds)[number];

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

/** The parameters of each dropout kernel. */
export interface DropoutKernels {
  /** x -> x · mask · scale. */
  dropout: DropoutParams;
}
