import type { CpuKernels } from './kernel_table.js';
import type { ConvKernels } from '../../kernels/conv.js';

/** CPU twins of the convolution kernels. */
export const convCpuKernels: CpuKernels<ConvKernels> = {};
