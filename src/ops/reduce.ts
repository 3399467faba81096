import type { Tensor, DType } from '../tensor.js';
import { chunkLength, type ReduceKernelId } from '../kernel_ids/reduce.js';
import { fmt, normalizeAxes, reducedShape, sizeOf } from '../shape.js';
import { notDifferentiable, type GradientTable } from '../autodiff/rules.js';
import { installOps, type AsMethods } from './define.js';
import { record, type NoContext } from './record.js';
import { checkBoolean, checkOneOf, checkOptions } from './validate.js';
import { needsChunks } from './chunks.js';
import { reduceInChunks, reducesInChunks } from './reduce_chunks.js';
import { ParamsByLength } from './shared_params.js';

/** Axes to reduce: one, several, or all when omitted. */
export type Axes = number | readonly number[] | undefined;

/**
 * How max/min route the gradient when several elements tie for the extremum:
 * - 'split' (default, TensorFlow): each tied element gets dy / (number of ties);
 * - 'all': each tied element gets the full dy, so the ties together pass on count · dy;
 * - 'first': only the first tied element in row-major order of the reduced axes gets dy, the
 *   element argmax/argmin return (PyTorch's max(dim)).
 */
export type TiePolicy = 'split' | 'all' | 'first';

/** Options of `max` and `min`. */
export interface ExtremumOptions {
  /** Gradient routing at ties; defaults to `reductionDefaults.ties`. */
  ties?: TiePolicy;
}

/** Process-wide defaults of the reductions; `reductionDefaults.ties = 'first'` changes max/min. */
export const reductionDefaults: { ties: TiePolicy } = { ties: 'split' };

/**
 * Tree reductions (inner = 1) split a long axis into chunks of at least this many elements.
 * Smaller chunks were slower on lavapipe (docs/lavapipe.md): each chunk's workgroup pays a barrier
 * and a serial combine of its 64 partials.
 */
const minChunk = 8192;
/** Output elements times chunks aimed at by the first pass of a tree reduction (workgroups). */
const targetSlots = 1024;
/** Strided (inner > 1) reductions run one invocation per output element and chunk... */
const minStridedChunk = 64;
/** ...and aim at this many invocations. */
const targetInvocations = 16384;

/** @internal Disposes an intermediate `t` (unless it is `keep`) when no tape may need it. */
export function release(t: Tensor, keep?: Tensor): void {
  if (t !== keep && !t.engine.isRecording) t.dispose();
}

/** @internal The shape `x` takes when `axes` are reduced with keepDims: where dy broadcasts from. */
export function keptShape(x: Tensor, axes: readonly number[]): number[] {
  return reducedShape(x.shape, axes, true);
}

/** x seen as [rows, cols, inner] with the reduced axes in the middle. */
interface ReductionView {
  /** x itself, or a transposed copy (the caller disposes it) when the axes are not contiguous. */
  source: Tensor;
  rows: number;
  cols: number;
  inner: number;
}

/**
 * Views x as [rows, cols, inner] with the reduced axes as cols. When they form one contiguous
 * run (size-1 axes aside) no copy is needed: reducing axis 0 of [B, F] reads x with stride F.
 * Otherwise they are transposed to the end (inner = 1).
 */
function reductionView(x: Tensor, ax: readonly number[]): ReductionView {
  // Every axis (a full sum, the common case): one row, read as it lies.
  if (ax.length === x.rank && x.size > 1) return { source: x, rows: 1, cols: x.size, inner: 1 };
  const size = (axes: readonly number[]): number => sizeOf(axes.map((a) => x.shape[a]!));
  const big = x.shape.map((_, i) => i).filter((i) => x.shape[i] !== 1);
  const reduced = big.filter((i) => ax.includes(i));
  if (reduced.length === 0) return { source: x, rows: x.size, cols: 1, inner: 1 };
  const first = big.indexOf(reduced[0]!);
  if (reduced.every((a, j) => big[first + j] === a)) {
    return { source: x, rows: size(big.slice(0, first)), cols: size(reduced), inner: size(big.slice(first + reduced.length)) };
  }
  const kept = x.shape.map((_, i) => i).filter((i) => !ax.includes(i));
  return { source: x.transpose([...kept, ...ax]), rows: size(kept), cols: size(ax), inner: 1 };
}

/**
 * How many chunks one pass splits the reduced axis into: 1 unless the reduction is long and has
 * few outputs, e.g. the full sum of a [3592, 3592] matrix, which would otherwise run on one
 * workgroup. The count leaves no chunk empty.
 */
function partsFor(rows: number, cols: number, inner: number): number {
  const wanted =
    inner === 1
      ? Math.min(Math.ceil(cols / minChunk), Math.ceil(targetSlots / Math.max(rows, 1)))
      : Math.min(Math.ceil(cols / minStridedChunk), Math.ceil(targetInvocations / Math.max(rows * inner, 1)));
  if (wanted <= 1) return 1;
  return Math.ceil(cols / chunkLength(cols, wanted));
}

/** [0, 1, ..., rank - 1] per rank, frozen: the axes of a full reduction, shared by its calls. */
const allAxesByRank: (readonly number[])[] = [];
/** One axis per axis, frozen and shared likewise. */
const oneAxis: (readonly number[])[] = [];

/**
 * normalizeAxes for the reductions, sharing the arrays of the common cases (every axis, or one):
 * a force-loss step sums a thousand times, and each sum used to make two axis lists and records
 * one in its context. Reductions and backward rules only read them.
 */
function reducedAxes(op: string, axes: Axes, rank: number): readonly number[] {
  if (axes === undefined) {
    let all = allAxesByRank[rank];
    if (all === undefined) allAxesByRank[rank] = all = Object.freeze(normalizeAxes(op, undefined, rank));
    return all;
  }
  const ax = normalizeAxes(op, axes, rank);
  if (ax.length !== 1 || ax[0]! >= 64) return ax;
  return (oneAxis[ax[0]!] ??= Object.freeze(ax));
}

/** Params of one-pass reductions of everything, shared by length (shared_params.ts). */
const fullReduceParams = new ParamsByLength((cols) => ({ rows: 1, cols, inner: 1 }));

/**
 * Runs a reduction kernel over `axes` (nothing of it is recorded on tapes) on the [rows, cols,
 * inner] view of x, in several passes when the reduction is long and has few outputs. Arg
 * kernels give the index within the reduced axes (row-major over them).
 */
export function reduceRows(kernel: ReduceKernelId, opName: string, x: Tensor, axes: Axes, keepDims: boolean, dtype?: DType): Tensor {
  const e = x.engine;
  e.checkInputs(opName, [x]);
  const ax = reducedAxes(opName, axes, x.rank);
  checkBoolean(opName, 'keepDims', keepDims);
  const { source, rows, cols, inner } = reductionView(x, ax);
  const outShape = reducedShape(x.shape, ax, keepDims);
  const isArg = kernel === 'argmax' || kernel === 'argmin';
  if (isArg && cols === 0 && rows * inner > 0) throw new Error(`${opName}: cannot reduce an empty axis of ${fmt(x.shape)}`);
  const outDtype = dtype ?? (isArg ? 'int32' : x.dtype === 'bool' ? 'float32' : x.dtype);
  let out: Tensor;
  if (reducesInChunks(kernel) && needsChunks(e, source.size)) {
    // Larger than one kernel binding: views of the source, reduced by the ordinary kernels.
    const reduceBlock = (block: Tensor): Tensor => reduceRows(kernel, opName, block, [1], false, outDtype);
    out = reduceInChunks(kernel, opName, source, { rows, cols, inner }, outShape, outDtype, reduceBlock);
  } else if (isArg) {
    const parts = partsFor(rows, cols, inner);
    if (parts === 1) {
      out = e.runKernel(kernel, [source], outShape, outDtype, { rows, cols, inner });
    } else {
      const candidates = e.runKernel(kernel, [source], [rows, parts, inner], 'int32', { rows, cols, inner, parts });
      const merge = kernel === 'argmax' ? 'argmax_merge' : 'argmin_merge';
      out = e.runKernel(merge, [source, candidates], outShape, outDtype, { rows, cols, inner, parts });
      candidates.dispose();
    }
  } else {
    // Sum of sums, max of maxima...: each pass shortens the reduced axis to its number of chunks.
    let current = source;
    let length = cols;
    for (;;) {
      const parts = partsFor(rows, length, inner);
      if (parts === 1) {
        out = e.runKernel(kernel, [current], outShape, outDtype, rows === 1 && inner === 1 ? fullReduceParams.get(length) : { rows, cols: length, inner });
        break;
      }
      const partials = e.runKernel(kernel, [current], [rows, parts, inner], outDtype, { rows, cols: length, inner, parts });
      if (current !== source) current.dispose();
      current = partials;
      length = parts;
    }
    if (current !== source) current.dispose();
  }
  if (source !== x) source.dispose();
  return out;
}

/**
 * The index of each element within its reduced block (row-major over `axes`), shaped like x with
 * the kept axes of size 1, so that it broadcasts against x and against keepDims results.
 */
function positionsInBlock(x: Tensor, ax: readonly number[]): Tensor {
  const e = x.engine;
  const blockShape = x.shape.map((d, i) => (ax.includes(i) ? d : 1));
  const ramp = e.range(sizeOf(blockShape));
  const out = ramp.reshape(blockShape);
  ramp.dispose();
  return out;
}

/** argmax/argmin over `axes` (not differentiable: recorded so that a gradient reaching it is an error). */
function argReduce(kind: 'argmax' | 'argmin', x: Tensor, axes: Axes, keepDims: boolean): Tensor {
  const out = reduceRows(kind, kind, x, axes, keepDims);
  record(kind, out, [x], {});
  return out;
}

/** What sum and prod's backward rules see. */
export interface AxesContext {
  x: Tensor;
  /** The reduced axes, normalised. */
  axes: readonly number[];
}

/** What max and min's backward rules see. */
export interface ExtremumContext extends AxesContext {
  out: Tensor;
  ties: TiePolicy;
}

/** The reductions the tape records (reduce_prod's in reduce_prod.ts). */
export interface ReduceContexts {
  reduce_sum: AxesContext;
  reduce_max: ExtremumContext;
  reduce_min: ExtremumContext;
  argmax: NoContext;
  argmin: NoContext;
}

/** max/min's gradient, routed to the extremum's elements by `ties`. */
function extremumGrad(kind: 'max' | 'min'): (c: ExtremumContext, dy: Tensor) => Tensor[] {
  return ({ x, out, axes: ax, ties }, dy) => {
    const shape = keptShape(x, ax);
    const dyKept = dy.reshape(shape);
    if (ties === 'first') {
      const winner = argReduce(kind === 'max' ? 'argmax' : 'argmin', x, ax, true);
      return [positionsInBlock(x, ax).equal(winner).mul(dyKept)];
    }
    const isExtremum = x.equal(out.reshape(shape));
    if (ties === 'all') return [isExtremum.mul(dyKept)];
    return [isExtremum.mul(dyKept.div(isExtremum.sum(ax, true)))];
  };
}

/** Backward rules of the reductions; argmax and argmin have none. */
export const reduceGradients: GradientTable<ReduceContexts> = {
  reduce_sum: ({ x, axes }, dy) => [dy.reshape(keptShape(x, axes)).broadcastTo(x.shape)],
  reduce_max: extremumGrad('max'),
  reduce_min: extremumGrad('min'),
  argmax: notDifferentiable,
  argmin: notDifferentiable,
};

/** max/min with the gradient routed to the extremum's elements by `ties`. */
function extremum(kind: 'max' | 'min', x: Tensor, axes: Axes, keepDims: boolean, options: ExtremumOptions | undefined): Tensor {
  const o = checkOptions(kind, options, ['ties']);
  const ties = checkOneOf(kind, 'ties', o.ties ?? reductionDefaults.ties, ['split', 'all', 'first']);
  const kernel = kind === 'max' ? 'reduce_max' : 'reduce_min';
  const out = reduceRows(kernel, kind, x, axes, keepDims, x.dtype);
  if (x.engine.isRecording) record(kernel, out, [x], { x, out, axes: reducedAxes(kind, axes, x.rank), ties });
  return out;
}

/** Reductions over any axes (negative allowed; all when omitted); `keepDims` keeps them as size 1. */
export const reduceOps = {
  /** Sum over `axes`. */
  sum: (x: Tensor, axes?: Axes, keepDims = false): Tensor => {
    const out = reduceRows('reduce_sum', 'sum', x, axes, keepDims);
    if (x.engine.isRecording) record('reduce_sum', out, [x], { x, axes: reducedAxes('sum', axes, x.rank) });
    return out;
  },
  /** Mean over `axes`. */
  mean: (x: Tensor, axes?: Axes, keepDims = false): Tensor => {
    x.engine.checkInputs('mean', [x]);
    const ax = normalizeAxes('mean', axes, x.rank);
    checkBoolean('mean', 'keepDims', keepDims);
    const count = sizeOf(ax.map((a) => x.shape[a]!));
    const total = x.sum(ax, keepDims);
    const out = total.div(count);
    release(total);
    return out;
  },
  /**
   * Maximum over `axes`. At ties the gradient is split equally between the tied elements unless
   * `options.ties` says otherwise (see `TiePolicy`). NaN propagates.
   */
  max: (x: Tensor, axes?: Axes, keepDims = false, options?: ExtremumOptions): Tensor => extremum('max', x, axes, keepDims, options),
  /** Minimum over `axes`; ties as in `max`. */
  min: (x: Tensor, axes?: Axes, keepDims = false, options?: ExtremumOptions): Tensor => extremum('min', x, axes, keepDims, options),
  /**
   * Index of the maximum within the reduced axes (row-major over them when there are several;
   * the flat index when `axes` is omitted); the first one at ties, the first NaN if there is one.
   * int32, not differentiable.
   */
  argmax: (x: Tensor, axes?: Axes, keepDims = false): Tensor => argReduce('argmax', x, axes, keepDims),
  /** Index of the minimum, as `argmax` (the first NaN if there is one). */
  argmin: (x: Tensor, axes?: Axes, keepDims = false): Tensor => argReduce('argmin', x, axes, keepDims),
  /** True where any element over `axes` is nonzero (bool, no gradient). */
  any: (x: Tensor, axes?: Axes, keepDims = false): Tensor => {
    x.engine.checkInputs('any', [x]);
    const ax = normalizeAxes('any', axes, x.rank);
    checkBoolean('any', 'keepDims', keepDims);
    // The max of nothing is -Infinity, which would read as true.
    if (ax.some((a) => x.shape[a] === 0)) return x.engine.zeros(reducedShape(x.shape, ax, keepDims), 'bool');
    const nonzero = x.notEqual(0);
    const out = reduceRows('reduce_max', 'any', nonzero, ax, keepDims, 'bool');
    nonzero.dispose();
    return out;
  },
  /** True where every element over `axes` is nonzero (bool, no gradient; true when empty). */
  all: (x: Tensor, axes?: Axes, keepDims = false): Tensor => {
    x.engine.checkInputs('all', [x]);
    const ax = normalizeAxes('all', axes, x.rank);
    checkBoolean('all', 'keepDims', keepDims);
    // The min of nothing is Infinity: true, but not stored as 1.
    if (ax.some((a) => x.shape[a] === 0)) return x.engine.ones(reducedShape(x.shape, ax, keepDims), 'bool');
    const nonzero = x.notEqual(0);
    const out = reduceRows('reduce_min', 'all', nonzero, ax, keepDims, 'bool');
    nonzero.dispose();
    return out;
  },
};

type ReduceOps = typeof reduceOps;

declare module '../tensor.js' {
  interface Tensor extends AsMethods<ReduceOps> {}
}
declare module '../engine.js' {
  interface Engine extends ReduceOps {}
}

installOps(reduceOps, 'tensor');
