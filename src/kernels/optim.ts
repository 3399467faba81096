/** Optimizer update kernels over a parameter arena: filled in by issue 4. */
export const optimKernelIds = [] as const;

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface OptimKernels {}
