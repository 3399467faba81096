import type { GpuKernels } from './index.js';
import type { ConvKernels } from '../../../kernels/conv.js';

/** WebGPU dispatches of the convolution kernels. */
export const convGpuKernels: GpuKernels<ConvKernels> = {};
