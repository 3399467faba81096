import type { GpuKernels } from './index.js';
import type {
  Conv2dBackpropFilterParams,
  Conv2dBackpropInputParams,
  Conv2dParams,
  ConvGeometry,
  ConvKernels,
  DepthwiseConv2dBackpropFilterParams,
  DepthwiseConv2dParams,
} from '../../../kernels/conv.js';
import { grid1d, maxWorkgroupsPerDim, type GpuKernel, type UniformValues } from '../kernel_spec.js';
import conv2dWgsl from '../../../../shaders/conv2d/conv2d.wgsl';
import backpropInputWgsl from '../../../../shaders/conv2d/conv2d_backprop_input.wgsl';
import backpropFilterWgsl from '../../../../shaders/conv2d/conv2d_backprop_filter.wgsl';
import depthwiseWgsl from '../../../../shaders/conv2d/depthwise_conv2d.wgsl';
import depthwiseInputWgsl from '../../../../shaders/conv2d/depthwise_conv2d_backprop_input.wgsl';
import depthwiseFilterWgsl from '../../../../shaders/conv2d/depthwise_conv2d_backprop_filter.wgsl';

/**
 * Tile shape of the implicit-GEMM shaders: a workgroup of WG_M x WG_N invocations, each computing
 * TM x TN outputs (multiples of 4, at most 8), stepping BK along the reduction. The shaders
 * stage BM·BK / (WG_M·WG_N) <= 16 elements of A per invocation and step.
 */
export interface GemmTiles {
  WG_M: number;
  WG_N: number;
  TM: number;
  TN: number;
  BK: number;
}

/**
 * 64 invocations with 8 x 8 outputs each: per reduction step an invocation reads 4 vec4s of
 * workgroup memory for 64 multiply-adds. Narrow layers (few output columns, e.g. the 32 filters
 * of the article's first conv or the 3 input channels of its input gradient) get tall, narrow
 * tiles so that no workgroup computes mostly padding.
 */
export function gemmTiles(columns: number): GemmTiles {
  if (process.env.CONV_TILES) return JSON.parse(process.env.CONV_TILES) as GemmTiles; // EXPERIMENT
  if (columns <= 8) return { WG_M: 32, WG_N: 2, TM: 4, TN: 4, BK: 8 };
  if (columns <= 16) return { WG_M: 32, WG_N: 2, TM: 4, TN: 8, BK: 8 };
  if (columns <= 32) return { WG_M: 16, WG_N: 4, TM: 8, TN: 8, BK: 8 };
  return { WG_M: 8, WG_N: 8, TM: 8, TN: 8, BK: 8 };
}

function tileRows(t: GemmTiles): number {
  return t.WG_M * t.TM;
}

function tileCols(t: GemmTiles): number {
  return t.WG_N * t.TN;
}

/** Spreads `tiles` workgroups over x and y (one dimension stops at 65535). */
function tileGrid(tiles: number): [number, number] {
  if (tiles <= maxWorkgroupsPerDim) return [tiles, 1];
  return [maxWorkgroupsPerDim, Math.ceil(tiles / maxWorkgroupsPerDim)];
}

/** The geometry members every conv shader's uniform struct starts with. */
function geometryUniforms(g: ConvGeometry): UniformValues {
  return {
    in_h: g.inH,
    in_w: g.inW,
    in_c: g.inC,
    out_h: g.outH,
    out_w: g.outW,
    out_c: g.outC,
    k_w: g.kW,
    stride_h: g.strideH,
    stride_w: g.strideW,
    dilation_h: g.dilationH,
    dilation_w: g.dilationW,
    pad_top: g.padTop,
    pad_left: g.padLeft,
  };
}

const conv2d: GpuKernel<Conv2dParams> = {
  shader: { file: 'shaders/conv2d/conv2d.wgsl', code: conv2dWgsl },
  prelude: (p) => `fn conv_activation(v: f32, alpha: f32) -> f32 { return op_${p.activation === 'linear' ? 'copy' : p.activation}(v, alpha, 0.0); }`,
  constants: (p) => ({ ...gemmTiles(p.outC), HAS_BIAS: p.hasBias ? 1 : 0 }),
  uniforms: (p) => {
    const m = p.batch * p.outH * p.outW;
    const t = gemmTiles(p.outC);
    return {
      ...geometryUniforms(p),
      m,
      k: p.kH * p.kW * p.inC,
      m_tiles: Math.ceil(m / tileRows(t)),
      step_taps: Math.floor(t.BK / p.inC),
      step_c: t.BK % p.inC,
      alpha: p.alpha,
    };
  },
  workgroups: (p) => {
    const t = gemmTiles(p.outC);
    return [...tileGrid(Math.ceil((p.batch * p.outH * p.outW) / tileRows(t))), Math.ceil(p.outC / tileCols(t))];
  },
};

/** Rows and columns of one stride phase's output grid (the largest phase: the one starting at 0). */
function phaseExtent(p: ConvGeometry): number {
  return p.batch * Math.ceil(p.inH / p.strideH) * Math.ceil(p.inW / p.strideW);
}

const conv2dBackpropInput: GpuKernel<Conv2dBackpropInputParams> = {
  shader: { file: 'shaders/conv2d/conv2d_backprop_input.wgsl', code: backpropInputWgsl },
  constants: (p) => ({ ...gemmTiles(p.inC) }),
  uniforms: (p) => {
    const t = gemmTiles(p.inC);
    return {
      ...geometryUniforms(p),
      batch: p.batch,
      k_h: p.kH,
      m_tiles: Math.ceil(phaseExtent(p) / tileRows(t)),
      step_t: Math.floor(t.BK / p.outC),
      step_o: t.BK % p.outC,
    };
  },
  workgroups: (p) => {
    const t = gemmTiles(p.inC);
    const nTiles = Math.ceil(p.inC / tileCols(t));
    return [...tileGrid(Math.ceil(phaseExtent(p) / tileRows(t))), nTiles * p.strideH * p.strideW];
  },
};

const conv2dBackpropFilter: GpuKernel<Conv2dBackpropFilterParams> = {
  shader: { file: 'shaders/conv2d/conv2d_backprop_filter.wgsl', code: backpropFilterWgsl },
  constants: (p) => ({ ...gemmTiles(p.outC) }),
  uniforms: (p) => ({
    ...geometryUniforms(p),
    m: p.kH * p.kW * p.inC,
    pixels: p.batch * p.outH * p.outW,
    splits: p.splits,
    chunk: p.chunk,
    step_rows: Math.floor(gemmTiles(p.outC).BK / p.outW),
    step_cols: gemmTiles(p.outC).BK % p.outW,
  }),
  workgroups: (p) => {
    const t = gemmTiles(p.outC);
    return [Math.ceil((p.kH * p.kW * p.inC) / tileRows(t)), Math.ceil(p.outC / tileCols(t)), p.splits];
  },
};

const depthwiseWg = 64;

const depthwiseConv2d: GpuKernel<DepthwiseConv2dParams> = {
  shader: { file: 'shaders/conv2d/depthwise_conv2d.wgsl', code: depthwiseWgsl },
  constants: () => ({ WG: depthwiseWg }),
  uniforms: (p) => ({ ...geometryUniforms(p), k_h: p.kH, multiplier: p.multiplier, n: p.batch * p.outH * p.outW * p.outC }),
  workgroups: (p) => grid1d(p.batch * p.outH * p.outW * p.outC, depthwiseWg),
};

const depthwiseConv2dBackpropInput: GpuKernel<DepthwiseConv2dParams> = {
  shader: { file: 'shaders/conv2d/depthwise_conv2d_backprop_input.wgsl', code: depthwiseInputWgsl },
  constants: () => ({ WG: depthwiseWg }),
  uniforms: (p) => ({ ...geometryUniforms(p), k_h: p.kH, multiplier: p.multiplier, n: p.batch * p.inH * p.inW * p.inC }),
  workgroups: (p) => grid1d(p.batch * p.inH * p.inW * p.inC, depthwiseWg),
};

/** Channels per workgroup (WG_J) and pixel lanes per channel (WG_P) of the depthwise filter gradient. */
const depthwiseFilterTiles = { WG_J: 64, WG_P: 4 };

const depthwiseConv2dBackpropFilter: GpuKernel<DepthwiseConv2dBackpropFilterParams> = {
  shader: { file: 'shaders/conv2d/depthwise_conv2d_backprop_filter.wgsl', code: depthwiseFilterWgsl },
  constants: () => ({ ...depthwiseFilterTiles }),
  uniforms: (p) => ({
    ...geometryUniforms(p),
    multiplier: p.multiplier,
    pixels: p.batch * p.outH * p.outW,
    splits: p.splits,
    chunk: p.chunk,
  }),
  workgroups: (p) => [Math.ceil(p.outC / depthwiseFilterTiles.WG_J), p.kH * p.kW, p.splits],
};

/** WebGPU dispatches of the convolution kernels. */
export const convGpuKernels: GpuKernels<ConvKernels> = {
  conv2d,
  conv2d_backprop_input: conv2dBackpropInput,
  conv2d_backprop_filter: conv2dBackpropFilter,
  depthwise_conv2d: depthwiseConv2d,
  depthwise_conv2d_backprop_input: depthwiseConv2dBackpropInput,
  depthwise_conv2d_backprop_filter: depthwiseConv2dBackpropFilter,
};
