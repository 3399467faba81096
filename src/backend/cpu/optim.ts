import type { CpuKernels } from './kernel_table.js';
import type { OptimKernels } from '../../kernels/optim.js';

/** CPU twins of the optim kernels. */
export const optimCpuKernels: CpuKernels<OptimKernels> = {};
