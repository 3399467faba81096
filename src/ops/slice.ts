import type { Tensor } from '../tensor.js';
import { fmt } from '../shape.js';
import { installOps, type AsMethods } from './define.js';
import { SlicePlans, stridedPlanned, stridedView } from './strided.js';
import { axesOf } from './layout.js';
import { checkIntegers, checkNumber, checkOptions } from './validate.js';
import { describeValue } from '../values.js';

/** Bit masks of `stridedSlice`, as in tf.stridedSlice: bit d applies to dimension d. */
export interface StridedSliceMasks {
  /** Ignore begin[d]: start at the first element (the last for a negative stride). */
  beginMask?: number;
  /** Ignore end[d]: run to the end (to the start for a negative stride). */
  endMask?: number;
  /** Take only element begin[d] and drop dimension d (end and stride are ignored). */
  shrinkAxisMask?: number;
}

/** A number or an array of integers as a list; `min` bounds the entries. */
function list(op: string, what: string, v: number | readonly number[], min = -Infinity): number[] {
  if (typeof v === 'number') return [checkNumber(op, what, v, { integer: true, min })];
  return [...checkIntegers(op, what, v, { min })];
}
const json = describeValue;

/** The arrays and params of the slices sliceAxis takes, per x shape (strided.ts). */
const slicePlans = new SlicePlans();

/**
 * The slice of length `len` along `axis` starting at `start`, with that axis kept; `asRow` (axis
 * 0 and length 1 only): without it, as one recorded op (`index`).
 */
function sliceAxis(opName: string, x: Tensor, axis: number, start: number, len: number, asRow = false): Tensor {
  if (start === 0 && len === x.shape[axis]) return x.reshape(asRow ? x.shape.slice(1) : x.shape);
  return stridedPlanned(opName, x, slicePlans.get(x.shape, axis, start, len, asRow));
}

/** Python's slice normalisation of one dimension: start and length for (begin, end, stride). */
function pythonSlice(dim: number, begin: number | undefined, end: number | undefined, stride: number): [number, number] {
  if (stride > 0) {
    const clampIdx = (v: number): number => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
    const start = begin === undefined ? 0 : clampIdx(begin);
    const stop = end === undefined ? dim : clampIdx(end);
    return [start, Math.max(0, Math.ceil((stop - start) / stride))];
  }
  const clampIdx = (v: number): number => Math.min(Math.max(v < 0 ? v + dim : v, -1), dim - 1);
  const start = begin === undefined ? dim - 1 : clampIdx(begin);
  const stop = end === undefined ? -1 : clampIdx(end);
  return [start, Math.max(0, Math.ceil((start - stop) / -stride))];
}

/** Slicing ops: contiguous and strided slices, indexing, unstacking and splitting. */
export const sliceOps = {
  /**
   * The block starting at `begin` of extent `size` (tf.slice): `size[d] = -1` runs to the end;
   * missing entries mean the whole dimension; a number begin/size applies to the first axis.
   */
  slice: (x: Tensor, begin: number | readonly number[], size?: number | readonly number[]): Tensor => {
    x.engine.checkInputs('slice', [x]);
    const b = list('slice', 'begin', begin);
    const s = size === undefined ? [] : list('slice', 'size', size, -1);
    if (b.length > x.rank || s.length > x.rank) {
      throw new Error(`slice: begin ${json(begin)} and size ${json(size)} have more entries than shape ${fmt(x.shape)} has dimensions`);
    }
    const starts = x.shape.map((_, d) => b[d] ?? 0);
    const lens = x.shape.map((n, d) => {
      const len = s[d] ?? -1;
      return len === -1 ? n - starts[d]! : len;
    });
    x.shape.forEach((n, d) => {
      const [start, len] = [starts[d]!, lens[d]!];
      if (!Number.isInteger(start) || !Number.isInteger(len) || start < 0 || len < 0 || start + len > n) {
        throw new Error(`slice: begin ${json(begin)} and size ${json(size)} are out of range for shape ${fmt(x.shape)} (dimension ${d})`);
      }
    });
    // The whole tensor: a view, no copy.
    if (starts.every((v) => v === 0) && lens.every((v, d) => v === x.shape[d])) return x.reshape(x.shape);
    return stridedView('slice', x, starts, x.shape.map(() => 1), lens);
  },
  /**
   * NumPy's `x[b0:e0:s0, b1:e1:s1, ...]` (tf.stridedSlice): negative begin/end count from the
   * end, out-of-range bounds are clamped, negative strides walk backwards. Dimensions past the
   * given lists are taken whole. `shrinkAxisMask` bits turn a dimension into an index.
   */
  stridedSlice: (
    x: Tensor,
    begin: readonly number[],
    end: readonly number[],
    strides: readonly number[] = [],
    masks?: StridedSliceMasks,
  ): Tensor => {
    const op = 'stridedSlice';
    x.engine.checkInputs(op, [x]);
    checkIntegers(op, 'begin', begin);
    checkIntegers(op, 'end', end);
    checkIntegers(op, 'strides', strides);
    const m = checkOptions(op, masks, ['beginMask', 'endMask', 'shrinkAxisMask'], 'masks');
    for (const key of ['beginMask', 'endMask', 'shrinkAxisMask'] as const) {
      if (m[key] !== undefined) checkNumber(op, key, m[key], { integer: true, min: 0 });
    }
    const given = Math.max(begin.length, end.length, strides.length);
    if (given > x.rank) {
      throw new Error(`stridedSlice: begin ${json(begin)}, end ${json(end)} and strides ${json(strides)} have more entries than shape ${fmt(x.shape)} has dimensions`);
    }
    const { beginMask = 0, endMask = 0, shrinkAxisMask = 0 } = m;
    const starts: number[] = [];
    const steps: number[] = [];
    const lens: number[] = [];
    const kept: number[] = [];
    x.shape.forEach((n, d) => {
      const bit = 1 << d;
      const stride = strides[d] ?? 1;
      if (!Number.isInteger(stride) || stride === 0) throw new Error(`stridedSlice: stride ${stride} of dimension ${d} must be a non-zero integer`);
      if (shrinkAxisMask & bit) {
        const b = begin[d] ?? 0;
        const idx = b < 0 ? b + n : b;
        if (!Number.isInteger(b) || idx < 0 || idx >= n) {
          throw new Error(`stridedSlice: index ${b} is out of range for dimension ${d} of shape ${fmt(x.shape)}`);
        }
        starts.push(idx);
        steps.push(1);
        lens.push(1);
        return;
      }
      kept.push(lens.length);
      for (const [what, v] of [['begin', begin[d]], ['end', end[d]]] as const) {
        if (v !== undefined && !Number.isInteger(v)) throw new Error(`stridedSlice: ${what} ${v} of dimension ${d} must be an integer`);
      }
      const b = d < begin.length && !(beginMask & bit) ? begin[d] : undefined;
      const e = d < end.length && !(endMask & bit) ? end[d] : undefined;
      const [start, len] = pythonSlice(n, b, e, stride);
      starts.push(start);
      steps.push(stride);
      lens.push(len);
    });
    const out = stridedView('stridedSlice', x, starts, steps, lens);
    return kept.length === x.rank ? out : out.reshape(kept.map((d) => lens[d]!));
  },
  /** Row `i` of x (the first axis dropped), `x[i]` in NumPy; negative i counts from the end. */
  index: (x: Tensor, i: number): Tensor => {
    x.engine.checkInputs('index', [x]);
    const n = x.shape[0];
    if (n === undefined) throw new Error(`index: a scalar (shape ${fmt(x.shape)}) cannot be indexed`);
    const row = i < 0 ? i + n : i;
    if (!Number.isInteger(i) || row < 0 || row >= n) throw new Error(`index: index ${describeValue(i)} is out of range for axis 0 of shape ${fmt(x.shape)} (an integer in [${-n}, ${n}))`);
    return sliceAxis('index', x, 0, row, 1, true);
  },
  /** The slices of x along `axis`, that axis dropped (tf.unstack). */
  unstack: (x: Tensor, axis = 0): Tensor[] => {
    x.engine.checkInputs('unstack', [x]);
    if (x.rank === 0) throw new Error(`unstack: a scalar (shape ${fmt(x.shape)}) cannot be unstacked`);
    const [a] = axesOf('unstack', axis, x) as [number];
    const rest = x.shape.filter((_, d) => d !== a);
    return Array.from({ length: x.shape[a]! }, (_, k) => sliceAxis('unstack', x, a, k, 1).reshape(rest));
  },
  /**
   * Splits x along `axis` into `numOrSizes` equal parts, or parts of the given sizes (one may be
   * -1: the rest), as tf.split.
   */
  split: (x: Tensor, numOrSizes: number | readonly number[], axis = 0): Tensor[] => {
    x.engine.checkInputs('split', [x]);
    if (x.rank === 0) throw new Error(`split: a scalar (shape ${fmt(x.shape)}) cannot be split`);
    const [a] = axesOf('split', axis, x) as [number];
    const n = x.shape[a]!;
    let sizes: number[];
    if (typeof numOrSizes === 'number') {
      if (!Number.isInteger(numOrSizes) || numOrSizes <= 0 || n % numOrSizes !== 0) {
        throw new Error(`split: axis ${a} of shape ${fmt(x.shape)} (size ${n}) cannot be split into ${describeValue(numOrSizes)} equal parts`);
      }
      sizes = new Array<number>(numOrSizes).fill(n / numOrSizes);
    } else {
      sizes = [...checkIntegers('split', 'sizes', numOrSizes, { min: -1 })];
      const unknown = sizes.filter((s) => s === -1).length;
      const known = sizes.filter((s) => s !== -1).reduce((acc, s) => acc + s, 0);
      if (unknown === 1) sizes = sizes.map((s) => (s === -1 ? n - known : s));
      if (unknown > 1 || sizes.some((s) => !Number.isInteger(s) || s < 0) || sizes.reduce((acc, s) => acc + s, 0) !== n) {
        throw new Error(`split: sizes ${json(numOrSizes)} do not add up to size ${n} of axis ${a} of shape ${fmt(x.shape)}`);
      }
    }
    let start = 0;
    return sizes.map((len) => {
      const part = sliceAxis('split', x, a, start, len);
      start += len;
      return part;
    });
  },
};

type SliceOps = typeof sliceOps;

declare module '../tensor.js' {
  interface Tensor extends AsMethods<SliceOps> {}
}
declare module '../engine.js' {
  interface Engine extends SliceOps {}
}

installOps(sliceOps, 'tensor');
