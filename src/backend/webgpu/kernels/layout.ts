import type { GpuKernels } from './index.js';
import type { CopyStridedParams, LayoutKernels } from '../../../kernels/layout.js';
import { grid1d, padDims, type GpuKernel } from '../kernel_spec.js';
import { sizeOf } from '../../../shape.js';
import copyStridedWgsl from '../../../../shaders/layout/copy_strided.wgsl';

const wg = 256;

const copyStrided: GpuKernel<CopyStridedParams> = {
  shader: { file: 'shaders/layout/copy_strided.wgsl', code: copyStridedWgsl },
  constants: () => ({ WG: wg }),
  uniforms: (p) => ({
    out_shape: padDims(p.outShape, 8, 1),
    in_strides: padDims(p.inStrides),
    in_offset: p.inOffset,
    rank: p.outShape.length,
    n: sizeOf(p.outShape),
  }),
  workgroups: (p) => grid1d(sizeOf(p.outShape), wg),
};

function notYet<P>(id: string): GpuKernel<P> {
  return {
    shader: { file: `(missing ${id})`, code: '' },
    uniforms: () => {
      throw new Error(`kernel ${id}: not implemented on WebGPU yet`);
    },
    workgroups: () => {
      throw new Error(`kernel ${id}: not implemented on WebGPU yet`);
    },
  };
}

/** WebGPU dispatches of the layout kernels. */
export const layoutGpuKernels: GpuKernels<LayoutKernels> = {
  copy_strided: copyStrided,
  pad_strided: notYet('pad_strided'),
  scatter_strided: notYet('scatter_strided'),
  tile: notYet('tile'),
  gather: notYet('gather'),
  gather_grad: notYet('gather_grad'),
};
