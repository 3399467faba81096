import type { CpuArray, CpuKernels } from './kernel_table.js';
import type { ReduceKernels, ReduceParams } from '../../kernels/reduce.js';

function rowReduce(identity: number, combine: (acc: number, v: number) => number) {
  return ([x]: CpuArray[], [out]: CpuArray[], p: ReduceParams): void => {
    for (let r = 0; r < p.rows; r++) {
      let acc = identity;
      for (let c = 0; c < p.cols; c++) acc = combine(acc, x![r * p.cols + c]!);
      out![r] = acc;
    }
  };
}

function argReduce(better: (v: number, best: number) => boolean) {
  return ([x]: CpuArray[], [out]: CpuArray[], p: ReduceParams): void => {
    for (let r = 0; r < p.rows; r++) {
      let best = 0;
      for (let c = 1; c < p.cols; c++) if (better(x![r * p.cols + c]!, x![r * p.cols + best]!)) best = c;
      out![r] = best;
    }
  };
}

/** CPU twins of the row reductions (float64 accumulation). */
export const reduceCpuKernels: CpuKernels<ReduceKernels> = {
  reduce_sum: rowReduce(0, (a, v) => a + v),
  reduce_prod: rowReduce(1, (a, v) => a * v),
  reduce_max: rowReduce(-Infinity, (a, v) => Math.max(a, v)),
  reduce_min: rowReduce(Infinity, (a, v) => Math.min(a, v)),
  argmax: argReduce((v, b) => v > b),
  argmin: argReduce((v, b) => v < b),
};
