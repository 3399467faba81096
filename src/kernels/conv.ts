/** Convolution kernels (conv2d, its backward passes, depthwise, transposed): issue 3. */
export const convKernelIds = [] as const;

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ConvKernels {}
