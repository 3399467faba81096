import type { GpuKernels } from './index.js';
import type {
  BatchNormBackpropParams,
  BatchNormParams,
  BatchNormReduceParams,
  DropoutParams,
  NnKernels,
  Pool2dParams,
  RowParams,
} from '../../../kernel_ids/nn.js';
import { grid1d, maxWorkgroupsPerDim, padDims, type GpuKernel, type ShaderSource } from './kernel_spec.js';
import poolWindowWgsl from '../../../../shaders/pool/pool_window.wgsl';
import poolArgmaxWgsl from '../../../../shaders/pool/pool_argmax.wgsl';
import maxPool2dWgsl from '../../../../shaders/pool/max_pool2d.wgsl';
import maxPool2dBackpropWgsl from '../../../../shaders/pool/max_pool2d_backprop.wgsl';
import maxPool2dBackpropBlocksWgsl from '../../../../shaders/pool/max_pool2d_backprop_blocks.wgsl';
import maxPool2dSelectWgsl from '../../../../shaders/pool/max_pool2d_select.wgsl';
import avgPool2dWgsl from '../../../../shaders/pool/avg_pool2d.wgsl';
import avgPool2dBackpropWgsl from '../../../../shaders/pool/avg_pool2d_backprop.wgsl';
import batchNormWgsl from '../../../../shaders/norm/batch_norm.wgsl';
import batchNormStatsPartialWgsl from '../../../../shaders/norm/batch_norm_stats_partial.wgsl';
import batchNormStatsFinalizeWgsl from '../../../../shaders/norm/batch_norm_stats_finalize.wgsl';
import batchNormGradPartialWgsl from '../../../../shaders/norm/batch_norm_grad_partial.wgsl';
import batchNormGradFinalizeWgsl from '../../../../shaders/norm/batch_norm_grad_finalize.wgsl';
import batchNormBackpropWgsl from '../../../../shaders/norm/batch_norm_backprop.wgsl';
import dropoutWgsl from '../../../../shaders/dropout/dropout.wgsl';
import workgroupReduceWgsl from '../../../../shaders/softmax/workgroup_reduce.wgsl';
import rowExpSumWgsl from '../../../../shaders/softmax/row_exp_sum.wgsl';
import softmaxWgsl from '../../../../shaders/softmax/softmax.wgsl';
import logSoftmaxWgsl from '../../../../shaders/softmax/log_softmax.wgsl';
import softmaxBackwardWgsl from '../../../../shaders/softmax/softmax_backward.wgsl';
import logSoftmaxBackwardWgsl from '../../../../shaders/softmax/log_softmax_backward.wgsl';
import softmaxCrossEntropyWgsl from '../../../../shaders/softmax/softmax_cross_entropy.wgsl';
import softmaxCrossEntropyBackwardWgsl from '../../../../shaders/softmax/softmax_cross_entropy_backward.wgsl';
import sparseSoftmaxCrossEntropyWgsl from '../../../../shaders/softmax/sparse_softmax_cross_entropy.wgsl';
import sparseSoftmaxCrossEntropyBackwardWgsl from '../../../../shaders/softmax/sparse_softmax_cross_entropy_backward.wgsl';

const elementWg = 256;
/** Elements per invocation of the batch-norm and dropout kernels (see their shader headers). */
const elementsPerInvocation = 4;
const rowWg = 64;

/** One workgroup per item (row, channel), on a 2-D grid past one grid dimension. */
function perItemGrid(items: number): [number, number, number] {
  if (items <= maxWorkgroupsPerDim) return [items, 1, 1];
  return [maxWorkgroupsPerDim, Math.ceil(items / maxWorkgroupsPerDim), 1];
}

// ---- pooling --------------------------------------------------------------------------------

/** Shared struct and window arithmetic; the max kernels add the window argmax. */
const src = (file: string, code: string): ShaderSource => ({ file: `shaders/${file}`, code });

const poolPrelude = `// shaders/pool/pool_window.wgsl\n${poolWindowWgsl}`;
const maxPoolPrelude = `${poolPrelude}\n// shaders/pool/pool_argmax.wgsl\n${poolArgmaxWgsl}`;

function poolUniforms(p: Pool2dParams) {
  return {
    batch: p.batch,
    in_h: p.inH,
    in_w: p.inW,
    channels: p.channels,
    out_h: p.outH,
    out_w: p.outW,
    pool_h: p.poolH,
    pool_w: p.poolW,
    stride_h: p.strideH,
    stride_w: p.strideW,
    pad_top: p.padTop,
    pad_left: p.padLeft,
  };
}

/** A pooling kernel with one invocation per output element or per input element. */
function poolKernel(shader: ShaderSource, prelude: string, per: 'output' | 'input'): GpuKernel<Pool2dParams> {
  return {
    shader,
    prelude,
    constants: () => ({ WG: elementWg }),
    uniforms: poolUniforms,
    workgroups: (p) => grid1d(p.batch * p.channels * (per === 'output' ? p.outH * p.outW : p.inH * p.inW), elementWg),
  };
}

/**
 * Whether max pooling's gradient runs in scatter form over blocks (max_pool2d_backprop_blocks.wgsl):
 * windows that do not overlap and channels in whole vec4s. Measured on lavapipe it is several
 * times faster than the gather form, which rescans every window once per input element.
 */
function usesPoolBlocks(p: Pool2dParams): boolean {
  return p.strideH >= p.poolH && p.strideW >= p.poolW && p.channels % 4 === 0;
}

const maxPoolBackpropGather = src('pool/max_pool2d_backprop.wgsl', maxPool2dBackpropWgsl);
const maxPoolBackpropBlocks = src('pool/max_pool2d_backprop_blocks.wgsl', maxPool2dBackpropBlocksWgsl);

const maxPool2dBackprop: GpuKernel<Pool2dParams> = {
  shader: (p) => (usesPoolBlocks(p) ? maxPoolBackpropBlocks : maxPoolBackpropGather),
  // The blocks shader reads x as vec4s: it finds its own argmax without pool_argmax.wgsl.
  prelude: (p) => (usesPoolBlocks(p) ? poolPrelude : maxPoolPrelude),
  constants: () => ({ WG: elementWg }),
  uniforms: poolUniforms,
  workgroups: (p) => {
    if (!usesPoolBlocks(p)) return grid1d(p.batch * p.channels * p.inH * p.inW, elementWg);
    const blocksH = Math.ceil((p.inH + p.padTop) / p.strideH);
    const blocksW = Math.ceil((p.inW + p.padLeft) / p.strideW);
    return grid1d((p.batch * blocksH * blocksW * p.channels) / 4, elementWg);
  },
};

// ---- batch norm -----------------------------------------------------------------------------

/** Column tile of the partial kernels: enough lanes for the channels, up to 32; rows fill 256. */
export function batchNormTile(channels: number): { tc: number; tr: number } {
  let tc = 4;
  while (tc < channels && tc < 32) tc *= 2;
  return { tc, tr: 256 / tc };
}

function reduceUniforms(p: BatchNormReduceParams) {
  return { rows: p.rows, channels: p.channels, rows_per_chunk: p.rowsPerChunk, chunks: p.chunks, epsilon: p.epsilon };
}

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

function finalizeKernel(shader: ShaderSource): GpuKernel<BatchNormReduceParams> {
  return {
    shader,
    constants: () => ({ WG: rowWg }),
    uniforms: reduceUniforms,
    workgroups: (p) => perItemGrid(p.channels),
  };
}

const batchNorm: GpuKernel<BatchNormParams> = {
  shader: { file: 'shaders/norm/batch_norm.wgsl', code: batchNormWgsl },
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
  shader: { file: 'shaders/norm/batch_norm_backprop.wgsl', code: batchNormBackpropWgsl },
  constants: () => ({ WG: elementWg }),
  uniforms: (p) => ({ n: p.n, rows: p.rows, channels: p.channels, epsilon: p.epsilon, gamma_stride: p.gammaStride }),
  workgroups: (p) => grid1d(Math.ceil(p.n / elementsPerInvocation), elementWg),
};

// ---- dropout --------------------------------------------------------------------------------

const dropout: GpuKernel<DropoutParams> = {
  shader: { file: 'shaders/dropout/dropout.wgsl', code: dropoutWgsl },
  constants: () => ({ WG: elementWg }),
  uniforms: (p) => ({
    shape: padDims(p.shape),
    noise_strides: padDims(p.noiseStrides),
    n: p.n,
    rank: p.shape.length,
    seed: p.seed,
    rate: p.rate,
    scale: p.scale,
  }),
  workgroups: (p) => grid1d(Math.ceil(p.n / elementsPerInvocation), elementWg),
};

// ---- softmax --------------------------------------------------------------------------------

const rowPrelude = `// shaders/softmax/workgroup_reduce.wgsl\n${workgroupReduceWgsl}`;
/** For the shaders that normalise their row (they define row_value). */
const normalisingRowPrelude = `${rowPrelude}\n// shaders/softmax/row_exp_sum.wgsl\n${rowExpSumWgsl}`;

function rowKernel(shader: ShaderSource, prelude = normalisingRowPrelude): GpuKernel<RowParams> {
  return {
    shader,
    prelude,
    constants: () => ({ WG: rowWg }),
    uniforms: (p) => ({ rows: p.rows, cols: p.cols }),
    workgroups: (p) => perItemGrid(p.rows),
  };
}


/** WebGPU dispatches of the nn kernels. */
export const nnGpuKernels: GpuKernels<NnKernels> = {
  max_pool2d: poolKernel(src('pool/max_pool2d.wgsl', maxPool2dWgsl), maxPoolPrelude, 'output'),
  max_pool2d_backprop: maxPool2dBackprop,
  max_pool2d_select: poolKernel(src('pool/max_pool2d_select.wgsl', maxPool2dSelectWgsl), maxPoolPrelude, 'output'),
  avg_pool2d: poolKernel(src('pool/avg_pool2d.wgsl', avgPool2dWgsl), poolPrelude, 'output'),
  avg_pool2d_backprop: poolKernel(src('pool/avg_pool2d_backprop.wgsl', avgPool2dBackpropWgsl), poolPrelude, 'input'),
  batch_norm: batchNorm,
  batch_norm_stats_partial: partialKernel(src('norm/batch_norm_stats_partial.wgsl', batchNormStatsPartialWgsl)),
  batch_norm_stats_finalize: finalizeKernel(src('norm/batch_norm_stats_finalize.wgsl', batchNormStatsFinalizeWgsl)),
  batch_norm_grad_partial: partialKernel(src('norm/batch_norm_grad_partial.wgsl', batchNormGradPartialWgsl)),
  batch_norm_grad_finalize: finalizeKernel(src('norm/batch_norm_grad_finalize.wgsl', batchNormGradFinalizeWgsl)),
  batch_norm_backprop: batchNormBackprop,
  dropout,
  softmax: rowKernel(src('softmax/softmax.wgsl', softmaxWgsl)),
  log_softmax: rowKernel(src('softmax/log_softmax.wgsl', logSoftmaxWgsl)),
  softmax_backward: rowKernel(src('softmax/softmax_backward.wgsl', softmaxBackwardWgsl), rowPrelude),
  log_softmax_backward: rowKernel(src('softmax/log_softmax_backward.wgsl', logSoftmaxBackwardWgsl), rowPrelude),
  softmax_cross_entropy: rowKernel(src('softmax/softmax_cross_entropy.wgsl', softmaxCrossEntropyWgsl)),
  softmax_cross_entropy_backward: rowKernel(src('softmax/softmax_cross_entropy_backward.wgsl', softmaxCrossEntropyBackwardWgsl)),
  sparse_softmax_cross_entropy: rowKernel(src('softmax/sparse_softmax_cross_entropy.wgsl', sparseSoftmaxCrossEntropyWgsl)),
  sparse_softmax_cross_entropy_backward: rowKernel(
    src('softmax/sparse_softmax_cross_entropy_backward.wgsl', sparseSoftmaxCrossEntropyBackwardWgsl),
  ),
};
