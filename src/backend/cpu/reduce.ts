import type { CpuArray, CpuKernels } from './kernel_table.js';
import { chunkLength, type ArgMergeParams, type ReduceKernels, type ReduceParams } from '../../kernels/reduce.js';

/** The chunk [begin, end) of row `row`'s part `part`, as shaders/reduce/*.wgsl compute it. */
function chunkOf(p: ReduceParams, part: number): [number, number] {
  const parts = p.parts ?? 1;
  const chunk = chunkLength(p.cols, parts);
  const begin = part * chunk;
  return [begin, Math.min(begin + chunk, p.cols)];
}

function rowReduce(identity: number, combine: (acc: number, v: number) => number) {
  return ([x]: CpuArray[], [out]: CpuArray[], p: ReduceParams): void => {
    const parts = p.parts ?? 1;
    for (let row = 0; row < p.rows; row++) {
      for (let part = 0; part < parts; part++) {
        const [begin, end] = chunkOf(p, part);
        let acc = identity;
        for (let c = begin; c < end; c++) acc = combine(acc, x![row * p.cols + c]!);
        out![row * parts + part] = acc;
      }
    }
  };
}

function argReduce(better: (v: number, best: number) => boolean) {
  return ([x]: CpuArray[], [out]: CpuArray[], p: ReduceParams): void => {
    const parts = p.parts ?? 1;
    for (let row = 0; row < p.rows; row++) {
      for (let part = 0; part < parts; part++) {
        const [begin, end] = chunkOf(p, part);
        let best = begin;
        for (let c = begin + 1; c < end; c++) if (better(x![row * p.cols + c]!, x![row * p.cols + best]!)) best = c;
        out![row * parts + part] = best;
      }
    }
  };
}

function argMerge(better: (v: number, best: number) => boolean) {
  return ([x, cand]: CpuArray[], [out]: CpuArray[], p: ArgMergeParams): void => {
    for (let row = 0; row < p.rows; row++) {
      let best = cand![row * p.parts]!;
      for (let part = 1; part < p.parts; part++) {
        const c = cand![row * p.parts + part]!;
        const v = x![row * p.cols + c]!;
        const bv = x![row * p.cols + best]!;
        if (better(v, bv) || (v === bv && c < best)) best = c;
      }
      out![row] = best;
    }
  };
}

/** CPU twins of the row reductions (float64 accumulation). */
export const reduceCpuKernels: CpuKernels<ReduceKernels> = {
  reduce_sum: rowReduce(0, (a, v) => a + v),
  reduce_prod: rowReduce(1, (a, v) => a * v),
  // NaN propagates (as in TensorFlow); the shaders test for it explicitly.
  reduce_max: rowReduce(-Infinity, (a, v) => Math.max(a, v)),
  reduce_min: rowReduce(Infinity, (a, v) => Math.min(a, v)),
  argmax: argReduce((v, b) => v > b),
  argmin: argReduce((v, b) => v < b),
  argmax_merge: argMerge((v, b) => v > b),
  argmin_merge: argMerge((v, b) => v < b),
};
