import type { GpuKernels } from './index.js';
import type { MatmulKernels, MatmulParams, MatvecParams } from '../../../kernels/matmul.js';
import { maxWorkgroupsPerDim, type GpuKernel } from '../kernel_spec.js';
import matmulWgsl from '../../../../shaders/matmul/matmul.wgsl';
import matvecWgsl from '../../../../shaders/matmul/matvec.wgsl';

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

function workgroups(p: MatmulParams): [number, number, number] {
  const { wgX, wgY, tm, tn } = matmulTiling(p);
  const tilesN = Math.ceil(p.n / (tn * wgX));
  const tilesM = Math.ceil(p.m / (tm * wgY));
  const batchZ = Math.min(p.batch, maxWorkgroupsPerDim);
  const tilesY = tilesM * Math.ceil(p.batch / maxWorkgroupsPerDim);
  if (tilesN > maxWorkgroupsPerDim || tilesY > maxWorkgroupsPerDim) {
    throw new Error(`matmul: a [${p.batch}, ${p.m}, ${p.n}] product needs more workgroups than one dispatch allows`);
  }
  return [tilesN, tilesY, batchZ];
}

const matvecWg = 64;

const matvecKernel: GpuKernel<MatvecParams> = {
  shader: { file: 'shaders/matmul/matvec.wgsl', code: matvecWgsl },
  constants: (p) => ({ WG: matvecWg, TRANS_B: p.transB ? 1 : 0 }),
  uniforms: (p) => ({ n: p.n, k: p.k, chunk: p.chunk, splits: p.splits, a_batch_stride: p.aBatchStride, b_batch_stride: p.bBatchStride }),
  workgroups: (p) => [Math.ceil(p.n / matvecWg), p.splits, p.batch],
};

const matmulKernel: GpuKernel<MatmulParams> = {
  shader: { file: 'shaders/matmul/matmul.wgsl', code: matmulWgsl },
  constants: (p) => {
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
    const t = matmulTiling(p);
    return {
      m: p.m,
      n: p.n,
      k: p.k,
      batch: p.batch,
      a_batch_stride: p.aBatchStride,
      b_batch_stride: p.bBatchStride,
      tiles_m: Math.ceil(p.m / (t.tm * t.wgY)),
    };
  },
  workgroups,
};

/** WebGPU dispatch of the batched matmul. */
export const matmulGpuKernels: GpuKernels<MatmulKernels> = {
  matmul: matmulKernel,
  matvec: matvecKernel,
};
