import type { GpuKernels } from './index.js';
import { binaryOpKernelIds, type BinaryKernels, type BinaryParams, type WhereParams } from '../../../kernels/binary.js';
import { grid1d, padDims, type GpuKernel } from '../kernel_spec.js';
import { sizeOf } from '../../../shape.js';
import binaryWgsl from '../../../../shaders/elementwise/binary.wgsl';
import whereWgsl from '../../../../shaders/elementwise/where.wgsl';

const wg = 256;

function binaryKernel(id: string): GpuKernel<BinaryParams> {
  return {
    shader: { file: 'shaders/elementwise/binary.wgsl', code: binaryWgsl },
    prelude: `fn binary_op(a: f32, b: f32) -> f32 { return op_${id}(a, b); }`,
    constants: () => ({ WG: wg }),
    uniforms: (p) => ({
      out_shape: padDims(p.outShape, 8, 1),
      a_strides: padDims(p.aStrides),
      b_strides: padDims(p.bStrides),
      rank: p.outShape.length,
      n: sizeOf(p.outShape),
    }),
    workgroups: (p) => grid1d(sizeOf(p.outShape), wg),
  };
}

const whereKernel: GpuKernel<WhereParams> = {
  shader: { file: 'shaders/elementwise/where.wgsl', code: whereWgsl },
  constants: () => ({ WG: wg }),
  uniforms: (p) => ({
    out_shape: padDims(p.outShape, 8, 1),
    cond_strides: padDims(p.condStrides),
    a_strides: padDims(p.aStrides),
    b_strides: padDims(p.bStrides),
    rank: p.outShape.length,
    n: sizeOf(p.outShape),
  }),
  workgroups: (p) => grid1d(sizeOf(p.outShape), wg),
};

/** WebGPU dispatches of the broadcasting binary kernels and where. */
export const binaryGpuKernels = {
  ...Object.fromEntries(binaryOpKernelIds.map((id) => [id, binaryKernel(id)])),
  where: whereKernel,
} as GpuKernels<BinaryKernels>;
