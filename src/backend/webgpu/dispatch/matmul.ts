import type { GpuKernels } from './index.js';
import type { MatmulKernels, MatmulParams, MatvecParams } from '../../../kernel_ids/matmul.js';
import { grid1d, maxWorkgroupsPerDim, type GpuKernel } from './kernel_spec.js';
import matmulShader from '../../../../shaders/matmul/matmul.wgsl';
import matmulVec4Shader from '../../../../shaders/matmul/matmul_vec4.wgsl';
import matmulSmallShader from '../../../../shaders/matmul/matmul_small.wgsl';
import matvecShader from '../../../../shaders/matmul/matvec.wgsl';
import matvecVec4Shader from '../../../../shaders/matmul/matvec_vec4.wgsl';

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
 * stay within 16 KiB, the smallest workgroup memory WebGPU guarantees.
 * Measured on lavapipe (one thread, 256³ to 1024³): 8 x 8 blocks 2.7-3.2 GFLOP per CPU-second,
 * 4 x 4 blocks 1.4.
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
 * (n and b's batch offset multiples of 4) and at least 32 columns, so that the 8 lanes of a row
 * have columns of their own (narrower outputs keep the workgroup-memory tiles of matmul.wgsl).
 */
function usesVec4Matmul(p: MatmulParams): boolean {
  return !p.transB && p.n % 4 === 0 && p.n >= 32 && p.bBatchStride % 4 === 0;
}

/**
 * Picks the vec4 shader's shape: 16 rows by 2 vec4s per invocation (8 x 4 invocations: 64 x 64
 * tiles) for big products, one vec4 per lane when n is at most 32, 8 rows and fewer row groups
 * when m is small. Measured on lavapipe at 1024³: 16 x 2 13-15 GFLOP/s, 8 x 2 11-14, 8 x 1 ~11.
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

function workgroups(p: MatmulParams): [number, number, number] {
  const { rows, cols } = tileSize(p);
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

const matvecKernel: GpuKernel<MatvecParams> = {
  shader: (p) => (usesVec4Matvec(p) ? matvecVec4Shader : matvecShader),
  constants: (p) => ({ WG: matvecWg, TRANS_B: p.transB ? 1 : 0 }),
  uniforms: (p) => ({ n: p.n, k: p.k, chunk: p.chunk, splits: p.splits, a_batch_stride: p.aBatchStride, b_batch_stride: p.bBatchStride }),
  workgroups: (p) => {
    // Per invocation of the vec4 shader: four vec4s of columns, or four rows of B (TRANS_B).
    const columns = !usesVec4Matvec(p) ? p.n : p.transB ? Math.ceil(p.n / 4) : Math.ceil(p.n / 16);
    return [Math.ceil(columns / matvecWg), p.splits, p.batch];
  },
};

const matmulKernel: GpuKernel<MatmulParams> = {
  shader: (p) => (usesSmallMatmul(p) ? matmulSmallShader : usesVec4Matmul(p) ? matmulVec4Shader : matmulShader),
  constants: (p): Record<string, number> => {
    if (usesSmallMatmul(p)) return { WG: smallWg, TRANS_A: p.transA ? 1 : 0, TRANS_B: p.transB ? 1 : 0 };
    if (usesVec4Matmul(p)) {
      const t = matmulVec4Tiling(p);
      return { WG_Y: t.wgY, TM: t.tm, TV: t.tv, TRANS_A: p.transA ? 1 : 0 };
    }
    const t = matmulTiling(p);
    return {
      WG_X: t.wgX,
      WG_Y: t.wgY,
      TM: t.tm,
      TN: t.tn,
      TK: t.tk,
      TRANS_A: p.transA ? 1 : 0,
      TRANS_B: p.transB ? 1 : 0,
      A_SLOTS: (t.tk * t.tm * t.wgY) / 4,
      B_SLOTS: (t.tk * t.tn * t.wgX) / 4,
    };
  },
  uniforms: (p) => {
    const { rows } = tileSize(p);
    return {
      m: p.m,
      n: p.n,
      k: p.k,
      batch: p.batch,
      a_batch_stride: p.aBatchStride,
      b_batch_stride: p.bBatchStride,
      tiles_m: Math.ceil(p.m / rows),
    };
  },
  workgroups: (p) => (usesSmallMatmul(p) ? grid1d(p.batch * p.m * p.n, smallWg) : workgroups(p)),
};

/** WebGPU dispatch of the batched matmul. */
export const matmulGpuKernels: GpuKernels<MatmulKernels> = {
  matmul: matmulKernel,
  matvec: matvecKernel,
};
