import type { GpuKernels } from './index.js';
import { binaryOpKernelIds, type BinaryKernels, type BinaryParams, type WhereParams } from '../../../kernel_ids/binary.js';
import { grid1d, padDims, type GpuKernel } from './kernel_spec.js';
import { sizeOf } from '../../../shape.js';
import binaryWgsl from '../../../../shaders/elementwise/binary.wgsl';
import whereWgsl from '../../../../shaders/elementwise/where.wgsl';

const wg = 256;

/**
 * Whether the shapes collapsed to at most one dimension where each side steps by 0 or 1 (same
 * shapes, or one side a single value): binary.wgsl's FLAT form, four elements per invocation.
 */
function isFlat(p: BinaryParams): boolean {
  return p.outShape.length <= 1 && [p.aStrides[0] ?? 0, p.bStrides[0] ?? 0].every((s) => s === 0 || s === 1);
}

function binaryKernel(id: string): GpuKernel<BinaryParams> {
  return {
    shader: binaryWgsl,
    prelude: `fn binary_op(a: f32, b: f32) -> f32 { return op_${id}(a, b); }`,
    constants: (p): Record<string, number> => (isFlat(p) ? { WG: wg, FLAT: 1, A_STEP: p.aStrides[0] ?? 0, B_STEP: p.bStrides[0] ?? 0 } : { WG: wg }),
    uniforms: (p) => ({
      out_shape: padDims(p.outShape, 8, 1),
      a_strides: padDims(p.aStrides),
      b_strides: padDims(p.bStrides),
      rank: p.outShape.length,
      n: sizeOf(p.outShape),
    }),
    workgroups: (p) => grid1d(isFlat(p) ? Math.ceil(sizeOf(p.outShape) / 4) : sizeOf(p.outShape), wg),
  };
}

const whereKernel: GpuKernel<WhereParams> = {
  shader: whereWgsl,
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
