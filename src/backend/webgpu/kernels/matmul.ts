import type { GpuKernels } from './index.js';
import type { MatmulKernels } from '../../../kernels/matmul.js';

/** WebGPU dispatch of the batched matmul. */
export const matmulGpuKernels: GpuKernels<MatmulKernels> = {
  matmul: {
    shader: { file: '(missing matmul)', code: '' },
    uniforms: () => {
      throw new Error('kernel matmul: not implemented on WebGPU yet');
    },
    workgroups: () => {
      throw new Error('kernel matmul: not implemented on WebGPU yet');
    },
  },
};
