import type { CpuArray, CpuKernels } from './kernel_table.js';
import type { MatmulKernels, MatmulParams, MatvecParams } from '../../kernel_ids/matmul.js';

/**
 * CPU twin of shaders/matmul/matmul.wgsl: the naive triple loop (float64 accumulation), with the
 * same load indexing as the shader's load_a / load_b.
 */
export const matmulCpuKernels: CpuKernels<MatmulKernels> = {
  matmul: ([a, b]: CpuArray[], [c]: CpuArray[], p: MatmulParams): void => {
    for (let bt = 0; bt < p.batch; bt++) {
      const aBase = bt * p.aBatchStride;
      const bBase = bt * p.bBatchStride;
      const cBase = bt * p.m * p.n;
      for (let row = 0; row < p.m; row++) {
        for (let col = 0; col < p.n; col++) {
          let acc = 0;
          for (let kk = 0; kk < p.k; kk++) {
            const av = p.transA ? a![aBase + kk * p.m + row]! : a![aBase + row * p.k + kk]!;
            const bv = p.transB ? b![bBase + col * p.k + kk]! : b![bBase + kk * p.n + col]!;
            acc += av * bv;
          }
          c![cBase + row * p.n + col] = acc;
        }
      }
    }
  },
  /** Twin of shaders/matmul/matvec.wgsl: one partial sum per (batch, chunk, column). */
  matvec: ([a, b]: CpuArray[], [part]: CpuArray[], p: MatvecParams): void => {
    for (let bt = 0; bt < p.batch; bt++) {
      for (let s = 0; s < p.splits; s++) {
        const begin = s * p.chunk;
        const end = Math.min(begin + p.chunk, p.k);
        for (let j = 0; j < p.n; j++) {
          let acc = 0;
          for (let kk = begin; kk < end; kk++) {
            const bv = p.transB ? b![bt * p.bBatchStride + j * p.k + kk]! : b![bt * p.bBatchStride + kk * p.n + j]!;
            acc += a![bt * p.aBatchStride + kk]! * bv;
          }
          part![(bt * p.splits + s) * p.n + j] = acc;
        }
      }
    }
  },
};
