import type { GpuKernels } from './index.js';
import type {
  CopyStridedParams,
  GatherParams,
  LayoutKernels,
  PadStridedParams,
  ScatterStridedParams,
  TileParams,
} from '../../../kernel_ids/layout.js';
import { grid1d, padDims, type GpuKernel, type ShaderSource } from './kernel_spec.js';
import { sizeOf } from '../../../shape.js';
import copyStridedWgsl from '../../../../shaders/layout/copy_strided.wgsl';
import padStridedWgsl from '../../../../shaders/layout/pad_strided.wgsl';
import scatterStridedWgsl from '../../../../shaders/layout/scatter_strided.wgsl';
import tileWgsl from '../../../../shaders/layout/tile.wgsl';
import gatherWgsl from '../../../../shaders/layout/gather.wgsl';
import gatherGradWgsl from '../../../../shaders/layout/gather_grad.wgsl';

const wg = 256;

const copyStrided: GpuKernel<CopyStridedParams> = {
  shader: copyStridedWgsl,
  constants: () => ({ WG: wg }),
  uniforms: (p) => ({
    out_shape: padDims(p.outShape, 8, 1),
    in_strides: padDims(p.inStrides),
    in_offset: p.inOffset,
    rank: p.outShape.length,
    n: sizeOf(p.outShape),
  }),
  // Four elements per invocation (see the shader).
  workgroups: (p) => grid1d(Math.ceil(sizeOf(p.outShape) / 4), wg),
};

const padStrided: GpuKernel<PadStridedParams> = {
  shader: padStridedWgsl,
  constants: () => ({ WG: wg }),
  uniforms: (p) => ({
    out_shape: padDims(p.outShape, 8, 1),
    in_shape: padDims(p.inShape, 8, 1),
    begin: padDims(p.begin),
    step: padDims(p.step, 8, 1),
    pad_value: p.padValue,
    rank: p.outShape.length,
    n: sizeOf(p.outShape),
  }),
  // Four elements per invocation (see the shader).
  workgroups: (p) => grid1d(Math.ceil(sizeOf(p.outShape) / 4), wg),
};

const scatterStrided: GpuKernel<ScatterStridedParams> = {
  shader: scatterStridedWgsl,
  constants: () => ({ WG: wg }),
  uniforms: (p) => ({
    in_shape: padDims(p.inShape, 8, 1),
    out_strides: padDims(p.outStrides),
    out_offset: p.outOffset,
    rank: p.inShape.length,
    n: sizeOf(p.inShape),
  }),
  workgroups: (p) => grid1d(sizeOf(p.inShape), wg),
};

const tile: GpuKernel<TileParams> = {
  shader: tileWgsl,
  constants: () => ({ WG: wg }),
  uniforms: (p) => ({
    out_shape: padDims(p.outShape, 8, 1),
    in_shape: padDims(p.inShape, 8, 1),
    rank: p.outShape.length,
    n: sizeOf(p.outShape),
  }),
  workgroups: (p) => grid1d(sizeOf(p.outShape), wg),
};

/** gather writes [outer, nIdx, inner]; gather_grad writes [outer, axisLen, inner]. */
function gatherKernel(shader: ShaderSource, outputSize: (p: GatherParams) => number): GpuKernel<GatherParams> {
  return {
    shader,
    constants: () => ({ WG: wg }),
    uniforms: (p) => ({ outer: p.outer, axis_len: p.axisLen, inner: p.inner, n_idx: p.nIdx, n: outputSize(p) }),
    workgroups: (p) => grid1d(outputSize(p), wg),
  };
}

/** WebGPU dispatches of the layout kernels. */
export const layoutGpuKernels: GpuKernels<LayoutKernels> = {
  copy_strided: copyStrided,
  pad_strided: padStrided,
  scatter_strided: scatterStrided,
  tile,
  gather: gatherKernel(gatherWgsl, (p) => p.outer * p.nIdx * p.inner),
  gather_grad: gatherKernel(gatherGradWgsl, (p) => p.outer * p.axisLen * p.inner),
};
