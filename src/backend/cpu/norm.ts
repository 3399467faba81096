import type { CpuArray, CpuKernels } from './kernel_table.js';
import type { BatchNormBackpropParams, BatchNormParams, BatchNormReduceParams, NormKernels } from '../../kernel_ids/norm.js';

/** Rows of chunk k of a [rows, channels] view split into chunks of rowsPerChunk. */
function chunkRows(p: BatchNormReduceParams, k: number): [number, number] {
  const start = k * p.rowsPerChunk;
  return [start, Math.min(start + p.rowsPerChunk, p.rows)];
}

/** CPU twins of the batch-norm kernels (shaders/norm). */
export const normCpuKernels: CpuKernels<NormKernels> = {
  batch_norm: ([x, mean, variance, scale, offset]: CpuArray[], [y]: CpuArray[], p: BatchNormParams) => {
    for (let i = 0; i < p.n; i++) {
      const c = i % p.channels;
      const invstd = 1 / Math.sqrt(variance![c * p.varianceStride]! + p.epsilon);
      y![i] = (x![i]! - mean![c * p.meanStride]!) * invstd * scale![c * p.scaleStride]! + offset![c * p.offsetStride]!;
    }
  },
  // The WGSL updates a running (Welford) mean; the reference states the same quantities directly.
  batch_norm_stats_partial: ([x]: CpuArray[], [partial]: CpuArray[], p: BatchNormReduceParams) => {
    for (let chunk = 0; chunk < p.chunks; chunk++) {
      const [start, end] = chunkRows(p, chunk);
      for (let c = 0; c < p.channels; c++) {
        let sum = 0;
        for (let r = start; r < end; r++) sum += x![r * p.channels + c]!;
        const mean = sum / (end - start);
        let m2 = 0;
        for (let r = start; r < end; r++) m2 += (x![r * p.channels + c]! - mean) ** 2;
        partial![chunk * 2 * p.channels + c] = mean;
        partial![(chunk * 2 + 1) * p.channels + c] = m2;
      }
    }
  },
  batch_norm_stats_finalize: ([partial]: CpuArray[], [mean, variance]: CpuArray[], p: BatchNormReduceParams) => {
    for (let c = 0; c < p.channels; c++) {
      // Chan's combination, chunk by chunk.
      let count = 0;
      let m = 0;
      let m2 = 0;
      for (let k = 0; k < p.chunks; k++) {
        const [start, end] = chunkRows(p, k);
        const nb = end - start;
        const mb = partial![k * 2 * p.channels + c]!;
        const n = count + nb;
        const d = mb - m;
        m += (d * nb) / n;
        m2 += partial![(k * 2 + 1) * p.channels + c]! + (d * d * count * nb) / n;
        count = n;
      }
      mean![c] = m;
      variance![c] = m2 / p.rows;
    }
  },
  batch_norm_grad_partial: ([x, dy, mean, variance]: CpuArray[], [partial]: CpuArray[], p: BatchNormReduceParams) => {
    for (let chunk = 0; chunk < p.chunks; chunk++) {
      const [start, end] = chunkRows(p, chunk);
      for (let c = 0; c < p.channels; c++) {
        const invstd = 1 / Math.sqrt(variance![c]! + p.epsilon);
        let sumDy = 0;
        let sumDyXc = 0;
        for (let r = start; r < end; r++) {
          const i = r * p.channels + c;
          sumDy += dy![i]!;
          sumDyXc += dy![i]! * (x![i]! - mean![c]!);
        }
        partial![chunk * 2 * p.channels + c] = sumDy;
        partial![(chunk * 2 + 1) * p.channels + c] = sumDyXc * invstd;
      }
    }
  },
  batch_norm_grad_finalize: ([partial]: CpuArray[], [sumDy, sumDyXhat]: CpuArray[], p: BatchNormReduceParams) => {
    for (let c = 0; c < p.channels; c++) {
      let a = 0;
      let b = 0;
      for (let k = 0; k < p.chunks; k++) {
        a += partial![k * 2 * p.channels + c]!;
        b += partial![(k * 2 + 1) * p.channels + c]!;
      }
      sumDy![c] = a;
      sumDyXhat![c] = b;
    }
  },
  batch_norm_backprop: (
    [x, dy, mean, variance, gamma, sumDy, sumDyXhat]: CpuArray[],
    [dx]: CpuArray[],
    p: BatchNormBackpropParams,
  ) => {
    for (let i = 0; i < p.n; i++) {
      const c = i % p.channels;
      const invstd = 1 / Math.sqrt(variance![c]! + p.epsilon);
      const xhat = (x![i]! - mean![c]!) * invstd;
      dx![i] = gamma![c * p.gammaStride]! * invstd * (dy![i]! - sumDy![c]! / p.rows - (xhat * sumDyXhat![c]!) / p.rows);
    }
  },
};
