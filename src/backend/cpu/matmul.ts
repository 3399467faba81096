import type { CpuKernels } from './kernel_table.js';
import type { MatmulKernels } from '../../kernels/matmul.js';

/** CPU twin of the batched matmul. */
export const matmulCpuKernels: CpuKernels<MatmulKernels> = {
  matmul: () => {
    throw new Error('kernel matmul: not implemented on the CPU yet');
  },
};
