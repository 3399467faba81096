import type { GpuKernels } from './index.js';
import type { Pool2dParams, PoolKernels } from '../../../kernel_ids/pool.js';
import { grid1d, type GpuKernel, type ShaderSource } from './kernel_spec.js';
import maxPool2dWgsl from '../../../../shaders/pool/max_pool2d.wgsl';
import maxPool2dBackpropWgsl from '../../../../shaders/pool/max_pool2d_backprop.wgsl';
import maxPool2dBackpropBlocksWgsl from '../../../../shaders/pool/max_pool2d_backprop_blocks.wgsl';
import maxPool2dSelectWgsl from '../../../../shaders/pool/max_pool2d_select.wgsl';
import avgPool2dWgsl from '../../../../shaders/pool/avg_pool2d.wgsl';
import avgPool2dBackpropWgsl from '../../../../shaders/pool/avg_pool2d_backprop.wgsl';

const wg = 256;

/** The members of Pool2dParams in shaders/pool/common/pool_window.wgsl. */
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
function poolKernel(shader: ShaderSource, per: 'output' | 'input'): GpuKernel<Pool2dParams> {
  return {
    shader,
    constants: () => ({ WG: wg }),
    uniforms: poolUniforms,
    workgroups: (p) => grid1d(p.batch * p.channels * (per === 'output' ? p.outH * p.outW : p.inH * p.inW), wg),
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

const maxPool2dBackprop: GpuKernel<Pool2dParams> = {
  shader: (p) => (usesPoolBlocks(p) ? maxPool2dBackpropBlocksWgsl : maxPool2dBackpropWgsl),
  constants: () => ({ WG: wg }),
  uniforms: poolUniforms,
  workgroups: (p) => {
    if (!usesPoolBlocks(p)) return grid1d(p.batch * p.channels * p.inH * p.inW, wg);
    const blocksH = Math.ceil((p.inH + p.padTop) / p.strideH);
    const blocksW = Math.ceil((p.inW + p.padLeft) / p.strideW);
    return grid1d((p.batch * blocksH * blocksW * p.channels) / 4, wg);
  },
};

/** WebGPU dispatches of the pooling kernels. */
export const poolGpuKernels: GpuKernels<PoolKernels> = {
  max_pool2d: poolKernel(maxPool2dWgsl, 'output'),
  max_pool2d_backprop: maxPool2dBackprop,
  max_pool2d_select: poolKernel(maxPool2dSelectWgsl, 'output'),
  avg_pool2d: poolKernel(avgPool2dWgsl, 'output'),
  avg_pool2d_backprop: poolKernel(avgPool2dBackpropWgsl, 'input'),
};
