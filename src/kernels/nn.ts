/** Neural-network kernels other than convolution (pooling, batch norm, dropout, softmax): issue 3. */
export const nnKernelIds = [] as const;

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface NnKernels {}
