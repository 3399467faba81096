import type { GpuKernels } from './index.js';
import type { NnKernels } from '../../../kernels/nn.js';

/** WebGPU dispatches of the nn kernels. */
export const nnGpuKernels: GpuKernels<NnKernels> = {};
