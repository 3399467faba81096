import type { CpuArray, CpuKernels } from './kernel_table.js';
import { chunkLength, type ArgMergeParams, type ReduceKernels, type ReduceParams } from '../../kernel_ids/reduce.js';

/**
 * Visits every output slot (row, part, i) of a [rows, cols, inner] reduction with its chunk
 * [begin, end) along cols, as shaders/reduce/*.wgsl compute them.
 */
function forEachSlot(p: ReduceParams, body: (slot: number, row: number, i: number, begin: number, end: number) => void): void {
  const parts = p.parts ?? 1;
  const inner = p.inner ?? 1;
  const chunk = chunkLength(p.cols, parts);
  for (let row = 0; row < p.rows; row++) {
    for (let part = 0; part < parts; part++) {
      const begin = part * chunk;
      const end = Math.min(begin + chunk, p.cols);
      for (let i = 0; i < inner; i++) body((row * parts + part) * inner + i, row, i, begin, end);
    }
  }
}

function rowReduce(identity: number, combine: (acc: number, v: number) => number) {
  return ([x]: CpuArray[], [out]: CpuArray[], p: ReduceParams): void => {
    const inner = p.inner ?? 1;
    forEachSlot(p, (slot, row, i, begin, end) => {
      let acc = identity;
      for (let c = begin; c < end; c++) acc = combine(acc, x![(row * p.cols + c) * inner + i]!);
      out![slot] = acc;
    });
  };
}

/**
 * v beats best strictly: NaN beats every number and ties with NaN, so the first NaN wins (numpy,
 * PyTorch, JAX), as arg_max_better / arg_min_better in shaders/common/binary_ops.wgsl.
 */
export const argMaxBetter = (v: number, best: number): boolean => (Number.isNaN(v) && !Number.isNaN(best)) || v > best;
export const argMinBetter = (v: number, best: number): boolean => (Number.isNaN(v) && !Number.isNaN(best)) || v < best;
/** Ties of the arg-reductions: equal values, or both NaN. */
const same = (a: number, b: number): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b));

function argReduce(better: (v: number, best: number) => boolean) {
  return ([x]: CpuArray[], [out]: CpuArray[], p: ReduceParams): void => {
    const inner = p.inner ?? 1;
    forEachSlot(p, (slot, row, i, begin, end) => {
      const at = (c: number): number => x![(row * p.cols + c) * inner + i]!;
      let best = begin;
      for (let c = begin + 1; c < end; c++) if (better(at(c), at(best))) best = c;
      out![slot] = best;
    });
  };
}

function argMerge(better: (v: number, best: number) => boolean) {
  return ([x, cand]: CpuArray[], [out]: CpuArray[], p: ArgMergeParams): void => {
    const inner = p.inner ?? 1;
    for (let row = 0; row < p.rows; row++) {
      for (let i = 0; i < inner; i++) {
        const at = (c: number): number => x![(row * p.cols + c) * inner + i]!;
        let best = cand![row * p.parts * inner + i]!;
        for (let part = 1; part < p.parts; part++) {
          const c = cand![(row * p.parts + part) * inner + i]!;
          if (better(at(c), at(best)) || (same(at(c), at(best)) && c < best)) best = c;
        }
        out![row * inner + i] = best;
      }
    }
  };
}

/** CPU twins of the reductions (float64 accumulation). */
export const reduceCpuKernels: CpuKernels<ReduceKernels> = {
  reduce_sum: rowReduce(0, (a, v) => a + v),
  reduce_prod: rowReduce(1, (a, v) => a * v),
  // NaN propagates (as in TensorFlow); the shaders test for it explicitly.
  reduce_max: rowReduce(-Infinity, (a, v) => Math.max(a, v)),
  reduce_min: rowReduce(Infinity, (a, v) => Math.min(a, v)),
  argmax: argReduce(argMaxBetter),
  argmin: argReduce(argMinBetter),
  argmax_merge: argMerge(argMaxBetter),
  argmin_merge: argMerge(argMinBetter),
};
