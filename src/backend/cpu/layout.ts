import type { CpuArray, CpuKernels } from './kernel_table.js';
import type { CopyStridedParams, LayoutKernels } from '../../kernels/layout.js';
import { sizeOf } from '../../shape.js';

function notYet(id: string): () => never {
  return () => {
    throw new Error(`kernel ${id}: not implemented on the CPU yet`);
  };
}

/** CPU twins of the layout kernels (same index arithmetic as the WGSL). */
export const layoutCpuKernels: CpuKernels<LayoutKernels> = {
  copy_strided: ([x]: CpuArray[], [out]: CpuArray[], p: CopyStridedParams) => {
    const n = sizeOf(p.outShape);
    for (let o = 0; o < n; o++) {
      let rem = o;
      let src = p.inOffset;
      for (let d = p.outShape.length - 1; d >= 0; d--) {
        const size = p.outShape[d]!;
        src += (rem % size) * p.inStrides[d]!;
        rem = Math.floor(rem / size);
      }
      out![o] = x![src]!;
    }
  },
  pad_strided: notYet('pad_strided'),
  scatter_strided: notYet('scatter_strided'),
  tile: notYet('tile'),
  gather: notYet('gather'),
  gather_grad: notYet('gather_grad'),
};
