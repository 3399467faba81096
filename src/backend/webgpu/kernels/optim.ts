import type { GpuKernels } from './index.js';
import type { OptimKernels } from '../../../kernels/optim.js';

/** WebGPU dispatches of the optim kernels. */
export const optimGpuKernels: GpuKernels<OptimKernels> = {};
