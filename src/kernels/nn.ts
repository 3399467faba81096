/** Neural-network kernels (conv, pooling, batch norm, dropout, softmax): filled in by issue 3. */
export const nnKernelIds = [] as const;

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface NnKernels {}
