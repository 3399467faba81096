import type { GpuKernels } from './index.js';
import type { BatchNormBackpropParams, BatchNormParams, BatchNormReduceParams, NormKernels } from '../../../kernel_ids/norm.js';
import { grid1d, gridPerItem, type GpuKernel, type ShaderSource } from './kernel_spec.js';
import batchNormWgsl from '../../../../shaders/norm/batch_norm.wgsl';
import batchNormStatsPartialWgsl from '../../../../shaders/norm/batch_norm_stats_partial.wgsl';
import batchNormStatsFinalizeWgsl from '../../../../shaders/norm/batch_norm_stats_finalize.wgsl';
import batchNormGradPartialWgsl from '../../../../shaders/norm/batch_norm_grad_partial.wgsl';
import batchNormGradFinalizeWgsl from '../../../../shaders/norm/batch_norm_grad_finalize.wgsl';
import batchNormBackpropWgsl from '../../../../shaders/norm/batch_norm_backprop.wgsl';

const elementWg = 256;
/** Elements per invocation of batch_norm and batch_norm_backprop (see their shader headers). */
const elementsPerInvocation = 4;
const finalizeWg = 64;

/** Column tile of the partial kernels: enough lanes for the channels, up to 32; rows fill 256. */
export function batchNormTile(channels: number): { tc: number; tr: number } {
  let tc = 4;
  while (tc < channels && tc < 32) tc *= 2;
  return { tc, tr: 256 / tc };
}

/** The members of Params in shaders/norm/common/chunked_rows.wgsl. */
function reduceUniforms(p: BatchNormReduceParams) {
  return { rows: p.rows, channels: p.channels, rows_per_chunk: p.rowsPerChunk, chunks: p.chunks, epsilon: p.epsilon };
}

/** A first pass (shaders/norm/common/chunk_partial.wgsl): a workgroup per (column tile, chunk). */
function partialKernel(shader: ShaderSource): GpuKernel<BatchNormReduceParams> {
  return {
    shader,
    constants: (p) => {
      const { tc, tr } = batchNormTile(p.channels);
      return { TC: tc, TR: tr };
    },
    uniforms: reduceUniforms,
    workgroups: (p) => [Math.ceil(p.channels / batchNormTile(p.channels).tc), p.chunks, 1],
  };
}

/** A second pass (shaders/norm/common/chunk_finalize.wgsl): a workgroup per channel. */
function finalizeKernel(shader: ShaderSource): GpuKernel<BatchNormReduceParams> {
  return {
    shader,
    constants: () => ({ WG: finalizeWg }),
    uniforms: reduceUniforms,
    workgroups: (p) => gridPerItem(p.channels),
  };
}

const batchNorm: GpuKernel<BatchNormParams> = {
  shader: batchNormWgsl,
  constants: () => ({ WG: elementWg }),
  uniforms: (p) => ({
    n: p.n,
    channels: p.channels,
    epsilon: p.epsilon,
    mean_stride: p.meanStride,
    variance_stride: p.varianceStride,
    scale_stride: p.scaleStride,
    offset_stride: p.offsetStride,
  }),
  workgroups: (p) => grid1d(Math.ceil(p.n / elementsPerInvocation), elementWg),
};

const batchNormBackprop: GpuKernel<BatchNormBackpropParams> = {
  shader: batchNormBackpropWgsl,
  constants: () => ({ WG: elementWg }),
  uniforms: (p) => ({ n: p.n, rows: p.rows, channels: p.channels, epsilon: p.epsilon, gamma_stride: p.gammaStride }),
  workgroups: (p) => grid1d(Math.ceil(p.n / elementsPerInvocation), elementWg),
};

/** WebGPU dispatches of the batch-norm kernels. */
export const normGpuKernels: GpuKernels<NormKernels> = {
  batch_norm: batchNorm,
  batch_norm_stats_partial: partialKernel(batchNormStatsPartialWgsl),
  batch_norm_stats_finalize: finalizeKernel(batchNormStatsFinalizeWgsl),
  batch_norm_grad_partial: partialKernel(batchNormGradPartialWgsl),
  batch_norm_grad_finalize: finalizeKernel(batchNormGradFinalizeWgsl),
  batch_norm_backprop: batchNormBackprop,
};
