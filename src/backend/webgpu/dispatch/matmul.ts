import type { GpuKernels } from './index.js';
import type { MatmulKernels, MatmulParams, MatvecParams } from '../../../kernel_ids/matmul.js';
import { grid1d, maxWorkgroupsPerDim, type GpuKernel } from './kernel_spec.js';
import matmulShader from '../../../../shaders/matmul/matmul.wgsl';
import matmulVec4Shader from '../../../../shaders/matmul/matmul_vec4.wgsl';
import matmulSmallShader from '../../../../shaders/matmul/matmul_small.wgsl';
import matvecShader from '../../../../shaders/matmul/matvec.wgsl';
import matvecVec4Shader from '../../../../shaders/matmul/matvec_vec4.wgsl';
import matmulTiledVec4Shader from '../../../../shaders/matmul/matmul_tiled_vec4.wgsl';
import matmulSubgroupShader from '../../../../shaders/matmul/matmul_subgroup.wgsl';
import matvecWorkgroupShader from '../../../../shaders/matmul/matvec_workgroup.wgsl';
import matvecSubgroupShader from '../../../../shaders/matmul/matvec_subgroup.wgsl';
import { aligned4, sizeClass, tunedSpec, type DeviceCaps, type TunableKernel, type Variant } from '../tuning/variants.js';

/** Workgroup shape of one dispatch (the override constants of shaders/matmul/matmul.wgsl). */
export interface MatmulTiling {
  /** Invocations along n; the tile is tn * wgX columns wide. */
  wgX: number;
  /** Invocations along m; the tile is tm * wgY rows high. */
  wgY: number;
  /** Rows and columns of C per invocation: 4 or 8. */
  tm: number;
  tn: number;
  /** Depth of the k slice staged in workgroup memory per step. */
  tk: number;
}

/**
 * Picks the workgroup shape from the problem's shape: 64 x 128 tiles of 8 x 8 blocks for big
 * products, narrow tiles when n or m is small (so a [3592, 3592] x [3592, 3] product does not
 * compute 125 padding columns out of 128), and a shallow k slice when k is small. Staged slices
 * stay within 16 KiB, the smallest workgroup memory WebGPU guarantees. On lavapipe 8 x 8 blocks
 * ran about twice as fast as 4 x 4 (docs/lavapipe.md).
 */
export function matmulTiling(p: MatmulParams): MatmulTiling {
  const tk = p.k <= 4 ? 4 : p.k <= 8 ? 8 : 16;
  if (p.n <= 4) return { wgX: 1, wgY: 32, tm: 8, tn: 4, tk: Math.min(tk, 8) };
  if (p.m <= 4) return { wgX: 32, wgY: 1, tm: 4, tn: 8, tk: Math.min(tk, 8) };
  if (p.n <= 32) return { wgX: 4, wgY: 16, tm: 8, tn: 8, tk };
  if (p.m <= 32) return { wgX: 16, wgY: 4, tm: 8, tn: 8, tk };
  return { wgX: 16, wgY: 8, tm: 8, tn: 8, tk };
}

/** Workgroup shape of the vec4 shader (shaders/matmul/matmul_vec4.wgsl): 8 lanes along n. */
interface MatmulVec4Tiling {
  /** Row groups per workgroup. */
  wgY: number;
  /** Rows per invocation: 8 or 16. */
  tm: number;
  /** vec4 columns per invocation: 1 or 2. */
  tv: number;
}

/**
 * Whether the product runs on the vec4 shader: b not transposed, whole vec4 rows of b and c
 * (n and b's batch offset multiples of 4) and at least 16 columns, so that at least half of the
 * 8 lanes of a row have columns of their own (narrower outputs keep the workgroup-memory tiles of
 * matmul.wgsl). With 16 columns half the lanes compute clamped columns and drop them, and it is
 * still faster on lavapipe than the workgroup-memory tiles (Winograd's 36 x [32, 64]·[64, 16] at
 * MNIST's second layer for one image: docs/lavapipe.md).
 */
function usesVec4Matmul(p: MatmulParams): boolean {
  return !p.transB && p.n % 4 === 0 && p.n >= 16 && p.bBatchStride % 4 === 0;
}

/**
 * Picks the vec4 shader's shape: 16 rows by 2 vec4s per invocation (8 x 4 invocations: 64 x 64
 * tiles) for big products, one vec4 per lane when n is at most 32, 8 rows and fewer row groups
 * when m is small. On lavapipe 16 x 2 was the fastest at 1024³, then 8 x 2, then 8 x 1
 * (docs/lavapipe.md).
 */
function matmulVec4Tiling(p: MatmulParams): MatmulVec4Tiling {
  const tv = p.n <= 32 ? 1 : 2;
  const tm = p.m <= 64 ? 8 : 16;
  const wgY = Math.max(1, Math.min(64 / tm, Math.ceil(p.m / tm)));
  return { wgY, tm, tv };
}

/**
 * Whether the product runs on the one-element-per-invocation shader (shaders/matmul/matmul_small.wgsl):
 * at most 4096 elements of c in all and k at most 256, when the vec4 shader does not apply.
 */
function usesSmallMatmul(p: MatmulParams): boolean {
  return !usesVec4Matmul(p) && p.batch * p.m * p.n <= 4096 && p.k <= 256;
}

const smallWg = 64;

/** Rows and columns of c per workgroup of whichever shader runs the product. */
function tileSize(p: MatmulParams): { rows: number; cols: number } {
  if (usesVec4Matmul(p)) {
    const t = matmulVec4Tiling(p);
    return { rows: t.tm * t.wgY, cols: 32 * t.tv };
  }
  const t = matmulTiling(p);
  return { rows: t.tm * t.wgY, cols: t.tn * t.wgX };
}

function workgroups(p: MatmulParams, { rows, cols } = tileSize(p)): [number, number, number] {
  const tilesN = Math.ceil(p.n / cols);
  const tilesM = Math.ceil(p.m / rows);
  const batchZ = Math.min(p.batch, maxWorkgroupsPerDim);
  const tilesY = tilesM * Math.ceil(p.batch / maxWorkgroupsPerDim);
  if (tilesN > maxWorkgroupsPerDim || tilesY > maxWorkgroupsPerDim) {
    throw new Error(`matmul: a [${p.batch}, ${p.m}, ${p.n}] product needs more workgroups than one dispatch allows`);
  }
  return [tilesN, tilesY, batchZ];
}

const matvecWg = 64;

/** Whether B's reads come in whole vec4s (shaders/matmul/matvec_vec4.wgsl): along n, or along k with TRANS_B. */
function usesVec4Matvec(p: MatvecParams): boolean {
  if (p.bBatchStride % 4 !== 0) return false;
  return p.transB ? p.k % 4 === 0 && p.chunk % 4 === 0 : p.n % 4 === 0;
}

/** The lavapipe-tuned matrix-vector product (the default variant). */
const lavapipeMatvec: GpuKernel<MatvecParams> = {
  shader: (p) => (usesVec4Matvec(p) ? matvecVec4Shader : matvecShader),
  constants: (p) => ({ WG: matvecWg, TRANS_B: p.transB ? 1 : 0 }),
  uniforms: (p) => ({ n: p.n, k: p.k, chunk: p.chunk, splits: p.splits, a_batch_stride: p.aBatchStride, b_batch_stride: p.bBatchStride }),
  workgroups: (p) => {
    // Per invocation of the vec4 shader: four vec4s of columns, or four rows of B (TRANS_B).
    const columns = !usesVec4Matvec(p) ? p.n : p.transB ? Math.ceil(p.n / 4) : Math.ceil(p.n / 16);
    return [Math.ceil(columns / matvecWg), p.splits, p.batch];
  },
};

/** The uniforms of the tiled shaders for a tile of `rows` rows of c. */
function tiledUniforms(p: MatmulParams, rows: number): Record<string, number> {
  return {
    m: p.m,
    n: p.n,
    k: p.k,
    batch: p.batch,
    a_batch_stride: p.aBatchStride,
    b_batch_stride: p.bBatchStride,
    tiles_m: Math.ceil(p.m / rows),
  };
}

const flags = (p: MatmulParams): Record<string, number> => ({ TRANS_A: p.transA ? 1 : 0, TRANS_B: p.transB ? 1 : 0 });

/** The override constants of shaders/matmul/matmul.wgsl for a tiling (without the transposes). */
function tilingConstants(t: MatmulTiling): Record<string, number> {
  return { WG_X: t.wgX, WG_Y: t.wgY, TM: t.tm, TN: t.tn, TK: t.tk, A_SLOTS: (t.tk * t.tm * t.wgY) / 4, B_SLOTS: (t.tk * t.tn * t.wgX) / 4 };
}

/** The lavapipe-tuned product: the small, vec4 or tiled shader by shape (the default variant). */
const lavapipeMatmul: GpuKernel<MatmulParams> = {
  shader: (p) => (usesSmallMatmul(p) ? matmulSmallShader : usesVec4Matmul(p) ? matmulVec4Shader : matmulShader),
  constants: (p): Record<string, number> => {
    if (usesSmallMatmul(p)) return { WG: smallWg, TRANS_A: p.transA ? 1 : 0, TRANS_B: p.transB ? 1 : 0 };
    if (usesVec4Matmul(p)) {
      const t = matmulVec4Tiling(p);
      return { WG_Y: t.wgY, TM: t.tm, TV: t.tv, TRANS_A: p.transA ? 1 : 0 };
    }
    return { ...tilingConstants(matmulTiling(p)), ...flags(p) };
  },
  uniforms: (p) => tiledUniforms(p, tileSize(p).rows),
  workgroups: (p) => (usesSmallMatmul(p) ? grid1d(p.batch * p.m * p.n, smallWg) : workgroups(p)),
};

/** shaders/matmul/matmul.wgsl (scalar loads, any shape) with a fixed tile, for GPUs. */
function tilesVariant(name: string, t: MatmulTiling): Variant<MatmulParams> {
  const tile = { rows: t.tm * t.wgY, cols: t.tn * t.wgX };
  const constants = tilingConstants(t);
  const storage = (constants.A_SLOTS! + constants.B_SLOTS!) * 16;
  return {
    name,
    spec: {
      shader: matmulShader,
      constants: (p) => ({ ...constants, ...flags(p) }),
      uniforms: (p) => tiledUniforms(p, tile.rows),
      workgroups: (p) => workgroups(p, tile),
    },
    eligible: (_p, caps) => storage <= caps.maxWorkgroupStorageSize && t.wgX * t.wgY <= caps.maxInvocationsPerWorkgroup,
  };
}

/** Whether every global access of the product can be a whole vec4 (matmul_tiled_vec4.wgsl). */
function vec4Aligned(p: MatmulParams): boolean {
  const aRow = p.transA ? p.m : p.k;
  const bRow = p.transB ? p.k : p.n;
  return p.n % 4 === 0 && aRow % 4 === 0 && bRow % 4 === 0 && p.aBatchStride % 4 === 0 && p.bBatchStride % 4 === 0;
}

/** The tile of conv2d/common/gemm_tiles.wgsl: WG_M x WG_N invocations of TM x TN, BK deep. */
interface VecTile {
  WG_M: number;
  WG_N: number;
  TM: number;
  TN: number;
  BK: number;
}

/** shaders/matmul/matmul_tiled_vec4.wgsl with a fixed tile: workgroup memory, vec4 loads. */
function vec4TilesVariant(name: string, t: VecTile): Variant<MatmulParams> {
  const tile = { rows: t.WG_M * t.TM, cols: t.WG_N * t.TN };
  const storage = (t.BK * (tile.rows + tile.cols)) * 4;
  return {
    name,
    spec: {
      shader: matmulTiledVec4Shader,
      constants: (p) => ({ ...t, ...flags(p) }),
      uniforms: (p) => tiledUniforms(p, tile.rows),
      workgroups: (p) => workgroups(p, tile),
    },
    eligible: (p, caps) => vec4Aligned(p) && storage <= caps.maxWorkgroupStorageSize && t.WG_M * t.WG_N <= caps.maxInvocationsPerWorkgroup,
  };
}

/** Lanes per workgroup of the subgroup kernels: the adapter's largest subgroup must divide it. */
const subgroupWg = 64;

/**
 * Whether subgroup kernels of `lanes` invocations run on this device: the `subgroups` feature,
 * subgroups of at least `minSize` (the kernels that share values within groups of 8 lanes need 8;
 * those that only sum a subgroup, 4) that divide the workgroup (matmul/common/subgroup_lanes.wgsl).
 */
export function subgroupsUsable(caps: DeviceCaps, lanes = subgroupWg, minSize = 8): boolean {
  return caps.subgroups && caps.subgroupMinSize >= minSize && caps.subgroupMaxSize > 0 && lanes % caps.subgroupMaxSize === 0;
}

/**
 * shaders/matmul/matmul_subgroup.wgsl: a shared through subgroup shuffles (b not transposed, vec4
 * rows), `wg` lanes per workgroup: (wg / 8)·tm rows by 32·tv columns.
 */
function subgroupVariant(name: string, tm: number, tv: number, wg = subgroupWg): Variant<MatmulParams> {
  const tile = { rows: (wg / 8) * tm, cols: 32 * tv };
  return {
    name,
    spec: {
      shader: matmulSubgroupShader,
      constants: (p) => ({ WG: wg, TM: tm, TV: tv, TRANS_A: p.transA ? 1 : 0 }),
      uniforms: (p) => tiledUniforms(p, tile.rows),
      workgroups: (p) => workgroups(p, tile),
    },
    eligible: (p, caps) => subgroupsUsable(caps, wg) && !p.transB && p.n % 4 === 0 && p.bBatchStride % 4 === 0,
    software: true,
  };
}

/** The matmul variants: the lavapipe-tuned default first, then the GPU ones. */
export const matmulVariants: TunableKernel<MatmulParams> = {
  variants: [
    { name: 'lavapipe', spec: lavapipeMatmul, eligible: () => true },
    tilesVariant('tiles_64x64', { wgX: 16, wgY: 16, tm: 4, tn: 4, tk: 16 }),
    tilesVariant('tiles_128x64', { wgX: 8, wgY: 16, tm: 8, tn: 8, tk: 16 }),
    vec4TilesVariant('vec4_32x32', { WG_M: 8, WG_N: 8, TM: 4, TN: 4, BK: 16 }),
    vec4TilesVariant('vec4_64x64', { WG_M: 16, WG_N: 16, TM: 4, TN: 4, BK: 16 }),
    vec4TilesVariant('vec4_128x128', { WG_M: 16, WG_N: 16, TM: 8, TN: 8, BK: 8 }),
    subgroupVariant('subgroup_32x32', 4, 1),
    // Products of 32 rows (Winograd's at 32 input channels) without the idle half of a 64-row tile.
    subgroupVariant('subgroup_32x64', 8, 2, 32),
    subgroupVariant('subgroup_64x64', 8, 2),
  ],
  shapeClass: (p) =>
    `b${sizeClass(p.batch)}m${sizeClass(p.m)}n${sizeClass(p.n)}k${sizeClass(p.k)}${p.transA ? 'A' : ''}${p.transB ? 'B' : ''}:${aligned4(p.m, p.n, p.k, p.aBatchStride, p.bBatchStride)}`,
  gpuHeuristic: (p) => {
    // Tiny products: one element per invocation (the default picks matmul_small.wgsl) beats any tile.
    if (usesSmallMatmul(p)) return 'lavapipe';
    if (!vec4Aligned(p)) return 'tiles_64x64';
    const outputs = p.batch * p.m * p.n;
    if (outputs >= 1 << 20 && p.m >= 128 && p.n >= 128) return 'vec4_128x128';
    return outputs >= 1 << 16 ? 'vec4_64x64' : 'vec4_32x32';
  },
};

/** shaders/matmul/matvec_workgroup.wgsl: `along` x `across` lanes, coalesced reads, lanes sharing each column's chunk. */
function matvecWorkgroupVariant(name: string, along: number, across: number): Variant<MatvecParams> {
  return {
    name,
    spec: {
      shader: matvecWorkgroupShader,
      // x runs along B's rows (the columns j, or k with TRANS_B): `along` lanes.
      constants: (p) => ({ WG_X: along, WG_Y: across, TRANS_B: p.transB ? 1 : 0 }),
      uniforms: (p) => ({ n: p.n, k: p.k, chunk: p.chunk, splits: p.splits, a_batch_stride: p.aBatchStride, b_batch_stride: p.bBatchStride }),
      workgroups: (p) => [Math.ceil(p.n / (p.transB ? across : along)), p.splits, p.batch],
    },
    eligible: (_p, caps) => along * across <= caps.maxInvocationsPerWorkgroup && along * across * 4 <= caps.maxWorkgroupStorageSize,
  };
}

/** shaders/matmul/matvec_subgroup.wgsl: B stored [n, k], subgroupAdd over lanes along k. */
const matvecSubgroup: Variant<MatvecParams> = {
  name: 'subgroup',
  spec: {
    shader: matvecSubgroupShader,
    constants: () => ({ WG: subgroupWg, ROWS: 4 }),
    uniforms: (p) => ({ n: p.n, k: p.k, chunk: p.chunk, splits: p.splits, a_batch_stride: p.aBatchStride, b_batch_stride: p.bBatchStride }),
    workgroups: (p) => [Math.ceil(p.n / 4), p.splits, p.batch],
  },
  eligible: (p, caps) => p.transB && subgroupsUsable(caps, subgroupWg, 4),
};

/** The matvec variants: the lavapipe-tuned default first. */
export const matvecVariants: TunableKernel<MatvecParams> = {
  variants: [{ name: 'lavapipe', spec: lavapipeMatvec, eligible: () => true }, matvecWorkgroupVariant('workgroup_64x4', 64, 4), matvecWorkgroupVariant('workgroup_32x8', 32, 8), matvecSubgroup],
  shapeClass: (p) => `b${sizeClass(p.batch)}n${sizeClass(p.n)}k${sizeClass(p.k)}s${sizeClass(p.splits)}${p.transB ? 'B' : ''}:${aligned4(p.n, p.k, p.chunk, p.bBatchStride)}`,
  gpuHeuristic: () => 'workgroup_64x4',
};

/** WebGPU dispatch of the batched matmul. */
export const matmulGpuKernels: GpuKernels<MatmulKernels> = {
  matmul: tunedSpec(matmulVariants),
  matvec: tunedSpec(matvecVariants),
};
