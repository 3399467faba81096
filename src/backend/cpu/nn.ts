import type { CpuKernels } from './kernel_table.js';
import type { NnKernels } from '../../kernels/nn.js';

/** CPU twins of the nn kernels. */
export const nnCpuKernels: CpuKernels<NnKernels> = {};
