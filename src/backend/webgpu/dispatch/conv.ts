import type { GpuKernels } from './index.js';
import type {
  Conv2dBackpropFilterParams,
  Conv2dBackpropInputParams,
  Conv2dParams,
  ConvGeometry,
  ConvKernels,
  DepthwiseConv2dBackpropFilterParams,
  DepthwiseConv2dParams,
} from '../../../kernel_ids/conv.js';
import { grid1d, maxWorkgroupsPerDim, type GpuKernel, type UniformValues } from './kernel_spec.js';
import conv2dShader from '../../../../shaders/conv2d/conv2d.wgsl';
import conv2dVec4Shader from '../../../../shaders/conv2d/conv2d_vec4.wgsl';
import backpropInputWgsl from '../../../../shaders/conv2d/conv2d_backprop_input.wgsl';
import directShader from '../../../../shaders/conv2d/conv2d_backprop_input_direct.wgsl';
import directVec4Shader from '../../../../shaders/conv2d/conv2d_backprop_input_direct_vec4.wgsl';
import foldWgsl from '../../../../shaders/conv2d/conv2d_fold.wgsl';
import tilesVec4Shader from '../../../../shaders/conv2d/conv2d_backprop_input_tiles_vec4.wgsl';
import backpropFilterShader from '../../../../shaders/conv2d/conv2d_backprop_filter.wgsl';
import backpropFilterVec4Shader from '../../../../shaders/conv2d/conv2d_backprop_filter_vec4.wgsl';
import depthwiseWgsl from '../../../../shaders/conv2d/depthwise_conv2d.wgsl';
import depthwiseInputWgsl from '../../../../shaders/conv2d/depthwise_conv2d_backprop_input.wgsl';
import depthwiseFilterWgsl from '../../../../shaders/conv2d/depthwise_conv2d_backprop_filter.wgsl';
import conv2dSubgroupShader from '../../../../shaders/conv2d/conv2d_subgroup.wgsl';
import backpropFilterSubgroupShader from '../../../../shaders/conv2d/conv2d_backprop_filter_subgroup.wgsl';
import { subgroupsUsable } from './matmul.js';
import { aligned4, delegate, sizeClass, tunedSpec, type DeviceCaps, type TunableKernel, type Variant } from '../tuning/variants.js';

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

/** The tile shapes in use, named rows x columns of output per workgroup. */
const tileShapes = {
  t64x64: { WG_M: 8, WG_N: 8, TM: 8, TN: 8, BK: 8 },
  t128x32: { WG_M: 16, WG_N: 4, TM: 8, TN: 8, BK: 8 },
  t128x16: { WG_M: 32, WG_N: 2, TM: 4, TN: 8, BK: 8 },
  t128x8: { WG_M: 32, WG_N: 2, TM: 4, TN: 4, BK: 8 },
  t32x64: { WG_M: 8, WG_N: 8, TM: 4, TN: 8, BK: 8 },
  t32x32: { WG_M: 8, WG_N: 8, TM: 4, TN: 4, BK: 8 },
  t16x64: { WG_M: 4, WG_N: 16, TM: 4, TN: 4, BK: 8 },
  t16x32: { WG_M: 4, WG_N: 8, TM: 4, TN: 4, BK: 8 },
} satisfies Record<string, GemmTiles>;

/**
 * Picks the tile for a [rows, columns] output. The default is 64 invocations with 8 x 8 outputs
 * each: per reduction step an invocation reads 4 vec4s of workgroup memory for 64 multiply-adds
 * (BK = 8 measured best on lavapipe, where each step also costs a barrier). Narrow outputs (the 3
 * input channels of the article's input gradient, the 9 or 27 rows of a first layer's filter
 * gradient) get tiles shaped like them, so that no workgroup computes mostly padding.
 */
export function gemmTiles(rows: number, columns: number): GemmTiles {
  if (columns <= 8) return tileShapes.t128x8;
  if (columns <= 16) return tileShapes.t128x16;
  if (rows <= 16) return columns <= 32 ? tileShapes.t16x32 : tileShapes.t16x64;
  if (rows <= 32) return columns <= 32 ? tileShapes.t32x32 : tileShapes.t32x64;
  return columns <= 32 ? tileShapes.t128x32 : tileShapes.t64x64;
}

function tileRows(t: GemmTiles): number {
  return t.WG_M * t.TM;
}

function tileCols(t: GemmTiles): number {
  return t.WG_N * t.TN;
}

/** Spreads `tiles` workgroups over x and y (one dimension stops at 65535). */
export function tileGrid(tiles: number): [number, number] {
  if (tiles <= maxWorkgroupsPerDim) return [tiles, 1];
  return [maxWorkgroupsPerDim, Math.ceil(tiles / maxWorkgroupsPerDim)];
}

/** The input's and output's sizes, the first members of every conv shader's uniform struct. */
export function sizeUniforms(g: ConvGeometry): UniformValues {
  return { in_h: g.inH, in_w: g.inW, in_c: g.inC, out_h: g.outH, out_w: g.outW, out_c: g.outC };
}

/** The geometry members every conv shader's uniform struct starts with. */
function geometryUniforms(g: ConvGeometry): UniformValues {
  return {
    ...sizeUniforms(g),
    k_w: g.kW,
    stride_h: g.strideH,
    stride_w: g.strideW,
    dilation_h: g.dilationH,
    dilation_w: g.dilationW,
    pad_top: g.padTop,
    pad_left: g.padLeft,
  };
}

/** The members of the conv uniform struct only some kernels read (their `own` values). */
const convKernelMembers = {
  multiplier: 0,
  n: 0,
  m: 0,
  k: 0,
  m_tiles: 0,
  pixels: 0,
  splits: 0,
  chunk: 0,
  step_taps: 0,
  step_c: 0,
  step_rows: 0,
  step_cols: 0,
  step_t: 0,
  step_o: 0,
  alpha: 0,
};

/**
 * The conv uniform struct that the implicit-GEMM and depthwise kernels share
 * (shaders/conv2d/common/conv_params.wgsl): the geometry, and the kernel's own members; the
 * members it does not read are 0.
 */
function convUniforms(g: ConvGeometry, own: Partial<Record<keyof typeof convKernelMembers, number>>): UniformValues {
  return { ...geometryUniforms(g), k_h: g.kH, batch: g.batch, ...convKernelMembers, ...own };
}

/** Checks the shaders' staging constraints (a programming error if violated). */
function checked(t: GemmTiles): GemmTiles {
  const threads = t.WG_M * t.WG_N;
  const bm = tileRows(t);
  const ok =
    t.TM % 4 === 0 && t.TN % 4 === 0 && t.TM <= 8 && t.TN <= 8 && threads % t.BK === 0 && (bm * t.BK) % threads === 0 && (bm * t.BK) / threads <= 16;
  if (!ok) throw new Error(`conv2d kernels: invalid tile shape ${JSON.stringify(t)}`);
  return t;
}

/** Output pixels of the forward GEMM. */
function forwardRows(p: ConvGeometry): number {
  return p.batch * p.outH * p.outW;
}

function forwardTiles(p: ConvGeometry): GemmTiles {
  return checked(gemmTiles(forwardRows(p), p.outC));
}

/**
 * The vec4 shaders (8 lanes along whole vec4s of channels, no workgroup memory) serve channel
 * counts that are multiples of 4 and at least 32, so that every lane of a row has channels of
 * its own; on lavapipe they run 3-4x the workgroup-memory tiles (see their headers).
 */
function vec4Channels(channels: number): boolean {
  return channels % 4 === 0 && channels >= 32;
}

/** Shape of a vec4 conv dispatch: invocation rows per workgroup and vec4 channels per lane. */
interface Vec4Tiles {
  WG_Y: number;
  TV: number;
}

/** Output pixels per invocation of the vec4 forward shader (PIXELS in the shader). */
const vec4PixelsPerInvocation = 16;

/**
 * Rows of 8 invocations (see rowsPerWorkgroup) of 16 pixels by 2 vec4s (1 for 32 channels).
 * Measured on lavapipe (article and MNIST layers): 16 pixels per invocation 10-25% faster than 8.
 */
function vec4Tiles(pixels: number, channels: number): Vec4Tiles {
  return { WG_Y: rowsPerWorkgroup(Math.ceil(pixels / vec4PixelsPerInvocation)), TV: channels <= 32 ? 1 : 2 };
}

/**
 * Invocation rows per workgroup of the vec4 forward and filter-gradient shaders: 2, or 1 where
 * an odd count of rows would leave more than an eighth of them idle (idle rows still run, on
 * clamped copies). Measured on lavapipe, both sizes alternating in one process over the article's
 * and MNIST's layers: 2 rows were 5-15% faster than 8 for the forward kernel and 3-30% for the
 * filter gradient, never slower. lavapipe runs a workgroup's rows one after the other on one
 * thread; each row's accumulators live on that thread's stack, and fewer rows keep them in cache.
 */
function rowsPerWorkgroup(rows: number): number {
  return rows >= 8 || rows % 2 === 0 ? 2 : 1;
}

/**
 * Whether some window reaches past the input (padding before, or past the end after): 'valid'
 * convolutions never do, and the vec4 shaders then skip the per-tap bounds checks.
 */
function windowsLeaveInput(g: ConvGeometry): boolean {
  const lastRow = (g.outH - 1) * g.strideH - g.padTop + (g.kH - 1) * g.dilationH;
  const lastCol = (g.outW - 1) * g.strideW - g.padLeft + (g.kW - 1) * g.dilationW;
  return g.padTop > 0 || g.padLeft > 0 || lastRow >= g.inH || lastCol >= g.inW;
}

/** Output pixels per workgroup of the forward shader in use. */
function forwardTileRows(p: ConvGeometry): number {
  return vec4Channels(p.outC) ? vec4PixelsPerInvocation * vec4Tiles(forwardRows(p), p.outC).WG_Y : tileRows(forwardTiles(p));
}

/** Output channels per workgroup of the forward shader in use. */
function forwardTileCols(p: ConvGeometry): number {
  return vec4Channels(p.outC) ? 32 * vec4Tiles(forwardRows(p), p.outC).TV : tileCols(forwardTiles(p));
}

/** The forward kernels' prelude: the fused activation. */
const activationPrelude = (p: Conv2dParams): string =>
  `fn conv_activation(v: f32, alpha: f32) -> f32 { return op_${p.activation === 'linear' ? 'copy' : p.activation}(v, alpha, 0.0); }`;

/** The forward's GEMM sizes and its tiles along M for `rows` pixels per workgroup. */
function forwardUniforms(p: Conv2dParams, rows: number, bk: number): UniformValues {
  return convUniforms(p, {
    m: forwardRows(p),
    k: p.kH * p.kW * p.inC,
    m_tiles: Math.ceil(forwardRows(p) / rows),
    step_taps: Math.floor(bk / p.inC),
    step_c: bk % p.inC,
    alpha: p.alpha,
  });
}

/** conv2d.wgsl, the tiled implicit GEMM (workgroup memory), with the tile `tilesOf` gives. */
function conv2dGemm(tilesOf: (p: Conv2dParams) => GemmTiles): GpuKernel<Conv2dParams> {
  return {
    shader: conv2dShader,
    prelude: activationPrelude,
    constants: (p) => ({ ...tilesOf(p), HAS_BIAS: p.hasBias ? 1 : 0 }),
    uniforms: (p) => forwardUniforms(p, tileRows(tilesOf(p)), tilesOf(p).BK),
    workgroups: (p) => [...tileGrid(Math.ceil(forwardRows(p) / tileRows(tilesOf(p)))), Math.ceil(p.outC / tileCols(tilesOf(p)))],
  };
}

/** conv2d_vec4.wgsl: lanes along vec4s of channels, no workgroup memory (lavapipe's fastest). */
const conv2dVec4: GpuKernel<Conv2dParams> = {
  shader: conv2dVec4Shader,
  prelude: activationPrelude,
  constants: (p) => ({ ...vec4Tiles(forwardRows(p), p.outC), HAS_BIAS: p.hasBias ? 1 : 0, CHECK_BOUNDS: windowsLeaveInput(p) ? 1 : 0 }),
  uniforms: (p) => forwardUniforms(p, forwardTileRows(p), forwardTiles(p).BK),
  workgroups: (p) => [...tileGrid(Math.ceil(forwardRows(p) / forwardTileRows(p))), Math.ceil(p.outC / forwardTileCols(p))],
};

const conv2dGemmByShape = conv2dGemm(forwardTiles);

/** The lavapipe-tuned forward (the default variant): vec4 lanes for 32+ channels in vec4s, else the GEMM. */
const conv2d = delegate((p: Conv2dParams) => (vec4Channels(p.outC) ? conv2dVec4 : conv2dGemmByShape));

/** Pixels of the largest stride phase (the one starting at row and column 0). */
function phaseRows(p: ConvGeometry): number {
  return p.batch * Math.ceil(p.inH / p.strideH) * Math.ceil(p.inW / p.strideW);
}

function inputTiles(p: ConvGeometry): GemmTiles {
  return checked(gemmTiles(phaseRows(p), p.inC));
}

/** conv2d_backprop_input.wgsl, the per-phase tiled GEMM, with the tile `tilesOf` gives. */
function backpropInputGemm(tilesOf: (p: ConvGeometry) => GemmTiles): GpuKernel<Conv2dBackpropInputParams> {
  return {
    shader: backpropInputWgsl,
    constants: (p) => ({ ...tilesOf(p) }),
    uniforms: (p) => {
      const t = tilesOf(p);
      return convUniforms(p, {
        m_tiles: Math.ceil(phaseRows(p) / tileRows(t)),
        step_t: Math.floor(t.BK / p.outC),
        step_o: t.BK % p.outC,
      });
    },
    workgroups: (p) => {
      const t = tilesOf(p);
      const cTiles = Math.ceil(p.inC / tileCols(t));
      return [...tileGrid(Math.ceil(phaseRows(p) / tileRows(t))), cTiles * p.strideH * p.strideW];
    },
  };
}

const conv2dBackpropInput = backpropInputGemm(inputTiles);

const directWg = 64;

/**
 * Whether the direct input gradient runs on tiles of dx pixels sharing their dy reads
 * (conv2d_backprop_input_tiles_vec4.wgsl): stride 1, no dilation, 1 to 4 input channels, outC in
 * whole vec4s, and at most 36 filter vec4s per output-channel vec4 (the shader's wv array).
 */
function usesTilesVec4(p: ConvGeometry): boolean {
  const unit = p.strideH === 1 && p.strideW === 1 && p.dilationH === 1 && p.dilationW === 1;
  return unit && p.inC <= 4 && p.outC % 4 === 0 && p.kH * p.kW * p.inC <= 36;
}

/** Accumulators of the tiles shader (the size of its acc array): S·R·inC at most. */
const tilesVec4Sums = 96;
/** Invocations per workgroup of the tiles shader (its @workgroup_size). */
const tilesVec4Wg = 64;

/**
 * Tile of the tiles shader: R columns (4 to 8) and S rows, S·R·inC within the shader's sums.
 * Picked by a cost model fitted on lavapipe (MNIST's first layer at 7x7, 4x8 and 2x8 tiles): per
 * tile and output-channel vec4, each dy read costs about 8 dot products, and tiles reaching past
 * dx's edge do their whole work. 7x7 for MNIST's 28x28; 8x4 for the article's 128x128x3 (4x8
 * measured the same).
 */
function tilesVec4Shape(p: ConvGeometry): { S: number; R: number } {
  let best = { S: 1, R: 4, cost: Infinity };
  for (let R = 4; R <= 8; R++) {
    for (let S = 1; S * R * p.inC <= tilesVec4Sums; S++) {
      const tiles = Math.ceil(p.inH / S) * Math.ceil(p.inW / R);
      const cost = tiles * ((S + p.kH - 1) * (R + p.kW - 1) * 8 + S * R * p.kH * p.kW * p.inC);
      if (cost < best.cost) best = { S, R, cost };
    }
  }
  return { S: best.S, R: best.R };
}

/** Invocations of the tiles shader: one per tile of dx pixels. */
function tilesVec4Count(p: ConvGeometry): number {
  const { S, R } = tilesVec4Shape(p);
  return p.batch * Math.ceil(p.inH / S) * Math.ceil(p.inW / R);
}

/**
 * Whether the direct input gradient splits the sum over output channels across lanes
 * (conv2d_backprop_input_direct_vec4.wgsl): 1 to 4 input channels, outC in whole vec4s.
 */
function usesDirectVec4(p: ConvGeometry): boolean {
  return p.inC <= 4 && vec4Channels(p.outC);
}

/** Rows of 8 invocations (8 pixels each) per workgroup of the vec4 direct shader. */
function directVec4Rows(p: ConvGeometry): number {
  return Math.max(1, Math.min(8, Math.ceil((p.batch * p.inH * p.inW) / 8)));
}

const conv2dBackpropInputDirect: GpuKernel<Conv2dBackpropInputParams> = {
  shader: (p) => (usesTilesVec4(p) ? tilesVec4Shader : usesDirectVec4(p) ? directVec4Shader : directShader),
  constants: (p): Record<string, number> => {
    if (usesTilesVec4(p)) return { ...tilesVec4Shape(p), IN_C: p.inC, K_H: p.kH, K_W: p.kW };
    if (usesDirectVec4(p)) return { WG_Y: directVec4Rows(p), IN_C: p.inC, UNIT_STRIDE: p.strideH === 1 && p.strideW === 1 ? 1 : 0 };
    return { WG: directWg };
  },
  uniforms: (p) => ({ ...geometryUniforms(p), k_h: p.kH, n: p.batch * p.inH * p.inW * p.inC }),
  workgroups: (p): [number, number, number] => {
    if (usesTilesVec4(p)) return [...tileGrid(Math.ceil(tilesVec4Count(p) / tilesVec4Wg)), 1];
    if (!usesDirectVec4(p)) return grid1d(p.batch * p.inH * p.inW * p.inC, directWg);
    return [...tileGrid(Math.ceil((p.batch * p.inH * p.inW) / (8 * directVec4Rows(p)))), 1];
  },
};

/** dx pixels per invocation of the fold shader (PIXELS there), consecutive along a row. */
const foldPixels = 16;

/** Strips of the fold shader: runs of up to 16 pixels, one dx row split into ceil(inW / 16). */
function foldStrips(p: ConvGeometry): number {
  return p.batch * p.inH * Math.ceil(p.inW / foldPixels);
}

/** Invocation rows per workgroup of the fold shader. */
function foldRows(p: ConvGeometry): number {
  return Math.max(1, Math.min(8, foldStrips(p)));
}

const conv2dFold: GpuKernel<ConvGeometry> = {
  shader: foldWgsl,
  constants: (p) => ({ WG_Y: foldRows(p), UNIT_STRIDE: p.strideH === 1 && p.strideW === 1 ? 1 : 0 }),
  uniforms: (p) => ({ ...geometryUniforms(p), k_h: p.kH, n: foldStrips(p) }),
  workgroups: (p) => [...tileGrid(Math.ceil(foldStrips(p) / foldRows(p))), Math.ceil(p.inC / 32)],
};

/** Rows of the filter gradient: one per tap and input channel. */
function filterRows(p: ConvGeometry): number {
  return p.kH * p.kW * p.inC;
}

function filterTiles(p: ConvGeometry): GemmTiles {
  return checked(gemmTiles(filterRows(p), p.outC));
}

/** Most taps per invocation of the vec4 filter-gradient shader (the size of its accumulator array). */
const vec4MaxTaps = 16;

/** Shape of a vec4 filter-gradient dispatch: Vec4Tiles and the taps per invocation. */
interface FilterVec4Tiles extends Vec4Tiles {
  TAPS: number;
}

/**
 * Taps per invocation: the fewest invocation rows of at most 16 taps, evened out (9 taps: one row
 * of 9, not 16 with 7 idle or two of 8 with 7 idle; 27: two of 14). Measured on lavapipe, the
 * first MNIST layer's gradient (9 taps): 1.8x faster than two rows of 8.
 */
function filterVec4Tiles(p: ConvGeometry): FilterVec4Tiles {
  const groups = Math.ceil(filterRows(p) / vec4MaxTaps);
  return { WG_Y: rowsPerWorkgroup(groups), TV: p.outC <= 32 ? 1 : 2, TAPS: Math.ceil(filterRows(p) / groups) };
}

/** The filter gradient's uniforms (its GEMM's sizes and the pixel step of a BK-deep tile). */
function filterUniforms(p: Conv2dBackpropFilterParams, bk: number): UniformValues {
  return convUniforms(p, {
    m: filterRows(p),
    pixels: p.batch * p.outH * p.outW,
    splits: p.splits,
    chunk: p.chunk,
    step_rows: Math.floor(bk / p.outW),
    step_cols: bk % p.outW,
  });
}

/** conv2d_backprop_filter.wgsl, the tiled GEMM, with the tile `tilesOf` gives. */
function backpropFilterGemm(tilesOf: (p: ConvGeometry) => GemmTiles): GpuKernel<Conv2dBackpropFilterParams> {
  return {
    shader: backpropFilterShader,
    constants: (p) => ({ ...tilesOf(p) }),
    uniforms: (p) => filterUniforms(p, tilesOf(p).BK),
    workgroups: (p) => {
      const t = tilesOf(p);
      return [Math.ceil(filterRows(p) / tileRows(t)), Math.ceil(p.outC / tileCols(t)), p.splits];
    },
  };
}

/** conv2d_backprop_filter_vec4.wgsl: lanes along vec4s of channels, no workgroup memory. */
const backpropFilterVec4: GpuKernel<Conv2dBackpropFilterParams> = {
  shader: backpropFilterVec4Shader,
  constants: (p) => ({ ...filterVec4Tiles(p), CHECK_BOUNDS: windowsLeaveInput(p) ? 1 : 0 }),
  uniforms: (p) => filterUniforms(p, filterTiles(p).BK),
  workgroups: (p) => {
    const t = filterVec4Tiles(p);
    return [Math.ceil(filterRows(p) / (t.TAPS * t.WG_Y)), Math.ceil(p.outC / (32 * t.TV)), p.splits];
  },
};

const backpropFilterGemmByShape = backpropFilterGemm(filterTiles);

/** The lavapipe-tuned filter gradient (the default variant): vec4 lanes for 32+ channels in vec4s, else the GEMM. */
const conv2dBackpropFilter = delegate((p: Conv2dBackpropFilterParams) => (vec4Channels(p.outC) ? backpropFilterVec4 : backpropFilterGemmByShape));

const depthwiseWg = 64;

const depthwiseConv2d: GpuKernel<DepthwiseConv2dParams> = {
  shader: depthwiseWgsl,
  constants: () => ({ WG: depthwiseWg }),
  uniforms: (p) => convUniforms(p, { multiplier: p.multiplier, n: p.batch * p.outH * p.outW * p.outC }),
  workgroups: (p) => grid1d(p.batch * p.outH * p.outW * p.outC, depthwiseWg),
};

const depthwiseConv2dBackpropInput: GpuKernel<DepthwiseConv2dParams> = {
  shader: depthwiseInputWgsl,
  constants: () => ({ WG: depthwiseWg }),
  uniforms: (p) => convUniforms(p, { multiplier: p.multiplier, n: p.batch * p.inH * p.inW * p.inC }),
  workgroups: (p) => grid1d(p.batch * p.inH * p.inW * p.inC, depthwiseWg),
};

/** Channels per workgroup (WG_J) and pixel lanes per channel (WG_P) of the depthwise filter gradient. */
const depthwiseFilterTiles = { WG_J: 64, WG_P: 4 };

const depthwiseConv2dBackpropFilter: GpuKernel<DepthwiseConv2dBackpropFilterParams> = {
  shader: depthwiseFilterWgsl,
  constants: () => ({ ...depthwiseFilterTiles }),
  uniforms: (p) => convUniforms(p, { multiplier: p.multiplier, pixels: p.batch * p.outH * p.outW, splits: p.splits, chunk: p.chunk }),
  workgroups: (p) => [Math.ceil(p.outC / depthwiseFilterTiles.WG_J), p.kH * p.kW, p.splits],
};

// ---- variants for GPUs (src/backend/webgpu/tuning/variants.ts) ------------------------------

/** GEMM tiles for GPUs: 128-256 invocations, 64-128 outputs a side. */
const gpuTiles = {
  gemm_64x64: { WG_M: 16, WG_N: 16, TM: 4, TN: 4, BK: 16 },
  gemm_128x64: { WG_M: 16, WG_N: 8, TM: 8, TN: 8, BK: 8 },
  gemm_64x32: { WG_M: 16, WG_N: 8, TM: 4, TN: 4, BK: 16 },
} satisfies Record<string, GemmTiles>;

type GpuTileName = keyof typeof gpuTiles;

/** Whether a GEMM tile fits the device's workgroup limits. */
function tileFits(t: GemmTiles, caps: DeviceCaps): boolean {
  return t.WG_M * t.WG_N <= caps.maxInvocationsPerWorkgroup && t.BK * (tileRows(t) + tileCols(t)) * 4 <= caps.maxWorkgroupStorageSize;
}

/** The GEMM variants of one kernel: its GEMM shader with each GPU tile. */
function gemmVariants<P extends ConvGeometry>(make: (tilesOf: (p: ConvGeometry) => GemmTiles) => GpuKernel<P>): Variant<P>[] {
  return (Object.keys(gpuTiles) as GpuTileName[]).map((name) => {
    const t = checked(gpuTiles[name]);
    return { name, spec: make(() => t), eligible: (_p: P, caps: DeviceCaps) => tileFits(t, caps) };
  });
}

/** Lanes per workgroup of the subgroup kernels (see subgroupsUsable). */
const subgroupWg = 64;

/** A subgroup variant: (WG / 8)·TM rows of the GEMM by 32·TV channels per workgroup. */
interface SubgroupTile {
  TM: number;
  TV: number;
}

const subgroupTiles = { subgroup_64x32: { TM: 8, TV: 1 }, subgroup_32x64: { TM: 4, TV: 2 }, subgroup_64x64: { TM: 8, TV: 2 } } satisfies Record<string, SubgroupTile>;

function subgroupVariants<P extends ConvGeometry>(make: (t: SubgroupTile) => GpuKernel<P>): Variant<P>[] {
  return Object.entries(subgroupTiles).map(([name, t]) => ({
    name,
    spec: make(t),
    eligible: (p: P, caps: DeviceCaps) => subgroupsUsable(caps, subgroupWg) && p.outC % 4 === 0,
    software: true,
  }));
}

/** conv2d_subgroup.wgsl: im2col shared through subgroup shuffles. */
function conv2dSubgroup(t: SubgroupTile): GpuKernel<Conv2dParams> {
  const rows = (subgroupWg / 8) * t.TM;
  return {
    shader: conv2dSubgroupShader,
    prelude: activationPrelude,
    constants: (p) => ({ WG: subgroupWg, ...t, HAS_BIAS: p.hasBias ? 1 : 0 }),
    uniforms: (p) => forwardUniforms(p, rows, 8),
    workgroups: (p) => [...tileGrid(Math.ceil(forwardRows(p) / rows)), Math.ceil(p.outC / (32 * t.TV))],
  };
}

/** conv2d_backprop_filter_subgroup.wgsl: the transposed im2col shared through subgroup shuffles. */
function backpropFilterSubgroup(t: SubgroupTile): GpuKernel<Conv2dBackpropFilterParams> {
  const rows = (subgroupWg / 8) * t.TM;
  return {
    shader: backpropFilterSubgroupShader,
    constants: () => ({ WG: subgroupWg, ...t }),
    uniforms: (p) => filterUniforms(p, 8),
    workgroups: (p) => [Math.ceil(filterRows(p) / rows), Math.ceil(p.outC / (32 * t.TV)), p.splits],
  };
}

/** The part of a tuning key every conv kernel shares: sizes in classes, filter, steps, alignments. */
function convClass(g: ConvGeometry): string {
  const sizes = [g.batch, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC].map(sizeClass).join('x');
  return `${sizes}k${g.kH}x${g.kW}s${g.strideH}x${g.strideW}d${g.dilationH}x${g.dilationW}:${aligned4(g.inC, g.outC)}`;
}

/** The GEMM tile a GPU runs until tuned: as wide as the output's columns, taller for big outputs. */
function gpuGemmGuess(rows: number, columns: number): GpuTileName {
  if (columns <= 32) return 'gemm_64x32';
  return rows >= 4096 && columns >= 64 ? 'gemm_128x64' : 'gemm_64x64';
}

const defaultVariant = <P>(spec: GpuKernel<P>): Variant<P> => ({ name: 'lavapipe', spec, eligible: () => true });

/** The forward's variants: the lavapipe-tuned default first. */
export const conv2dVariants: TunableKernel<Conv2dParams> = {
  variants: [defaultVariant(conv2d), ...gemmVariants(conv2dGemm), ...subgroupVariants(conv2dSubgroup)],
  shapeClass: convClass,
  gpuHeuristic: (p) => gpuGemmGuess(forwardRows(p), p.outC),
};

/** The tiled input gradient's variants. */
export const conv2dBackpropInputVariants: TunableKernel<Conv2dBackpropInputParams> = {
  variants: [defaultVariant(conv2dBackpropInput), ...gemmVariants(backpropInputGemm)],
  shapeClass: convClass,
  gpuHeuristic: (p) => gpuGemmGuess(phaseRows(p), p.inC),
};

/** The direct input gradient's variants (few input channels): the per-phase GEMM may serve too. */
export const conv2dBackpropInputDirectVariants: TunableKernel<Conv2dBackpropInputParams> = {
  variants: [defaultVariant(conv2dBackpropInputDirect), ...gemmVariants(backpropInputGemm)],
  shapeClass: convClass,
  // A 32-channel tile would idle on 1 to 4 input channels: the direct kernels stay.
  gpuHeuristic: () => 'lavapipe',
};

/** The filter gradient's variants. */
export const conv2dBackpropFilterVariants: TunableKernel<Conv2dBackpropFilterParams> = {
  variants: [defaultVariant(conv2dBackpropFilter), ...gemmVariants(backpropFilterGemm), ...subgroupVariants(backpropFilterSubgroup)],
  shapeClass: (p) => `${convClass(p)}:p${sizeClass(p.splits)}`,
  gpuHeuristic: (p) => gpuGemmGuess(filterRows(p), p.outC),
};

/** WebGPU dispatches of the convolution kernels. */
export const convGpuKernels: GpuKernels<ConvKernels> = {
  conv2d: tunedSpec(conv2dVariants),
  conv2d_backprop_input: tunedSpec(conv2dBackpropInputVariants),
  conv2d_backprop_input_direct: tunedSpec(conv2dBackpropInputDirectVariants),
  conv2d_fold: conv2dFold,
  conv2d_backprop_filter: tunedSpec(conv2dBackpropFilterVariants),
  depthwise_conv2d: depthwiseConv2d,
  depthwise_conv2d_backprop_input: depthwiseConv2dBackpropInput,
  depthwise_conv2d_backprop_filter: depthwiseConv2dBackpropFilter,
};
