import type { Tensor } from '../tensor.js';
import { assertShape, broadcastShapes, broadcastStrides, fmt, normalizeAxes, shapesEqual, sizeOf, stridesOf, type Shape } from '../shape.js';
import { sumToShape } from './binary.js';
import type { GradientTable } from '../autodiff/rules.js';
import { installOps, type AsMethods } from './define.js';
import { record } from './record.js';
import { keepValueRange } from './device_checks.js';
import { checkArray, checkIntegers, checkNumber, checkShape } from './validate.js';
import { describeValue } from '../values.js';
import { copyStrided, padStrided, stridedView } from './strided.js';

/** Normalises an insertion axis in [-(rank + 1), rank] (expandDims, stack). */
export function insertionAxis(op: string, axis: number, shape: Shape): number {
  const rank = shape.length;
  if (!Number.isInteger(axis) || axis < -(rank + 1) || axis > rank) {
    throw new Error(`${op}: axis ${describeValue(axis)} is out of range for inserting into shape ${fmt(shape)} (rank ${rank})`);
  }
  return axis < 0 ? axis + rank + 1 : axis;
}

/**
 * Normalises possibly-negative axes (all when omitted) to sorted unique axes of `x`; the error
 * names the op and the shape.
 */
export function axesOf(op: string, axes: number | readonly number[] | undefined, x: Tensor): number[] {
  if (axes !== undefined && typeof axes !== 'number' && !Array.isArray(axes)) {
    throw new Error(`${op}: axes must be an integer or an array of integers, got ${describeValue(axes)}`);
  }
  for (const a of axes === undefined ? [] : typeof axes === 'number' ? [axes] : axes) {
    if (!Number.isInteger(a) || a < -x.rank || a >= x.rank) {
      throw new Error(`${op}: axis ${describeValue(a)} is out of range for shape ${fmt(x.shape)} (rank ${x.rank})`);
    }
  }
  return normalizeAxes(op, axes, x.rank);
}

function assertCounts(op: string, what: string, values: readonly unknown[], rank: number, x: Tensor): void {
  if (values.length !== rank) {
    throw new Error(`${op}: ${what} has ${values.length} entries for a tensor of shape ${fmt(x.shape)} (rank ${rank})`);
  }
}

/** What reshape and broadcastTo's backward rules see. */
export interface LayoutContext {
  x: Tensor;
}

/** The layout ops the tape records (slices, pads and reverses record copy_strided / pad_strided). */
export interface LayoutContexts {
  reshape: LayoutContext;
  transpose: LayoutContext & { perm: number[] };
  broadcast_to: LayoutContext;
  tile: LayoutContext & { reps: readonly number[] };
}

/** Backward rules of the layout ops. */
export const layoutGradients: GradientTable<LayoutContexts> = {
  reshape: ({ x }, dy) => [dy.reshape(x.shape)],
  transpose: ({ perm }, dy) => {
    const inverse = new Array<number>(perm.length);
    perm.forEach((a, i) => (inverse[a] = i));
    return [dy.transpose(inverse)];
  },
  broadcast_to: ({ x }, dy) => [sumToShape(dy, x.shape)],
  // The tiles summed: dy viewed as [r0, s0, r1, s1, ...] summed over the r axes.
  tile: ({ x, reps }, dy) => {
    const split = x.shape.flatMap((d, i) => [reps[i]!, d]);
    return [dy.reshape(split).sum(reps.map((_, i) => 2 * i)).reshape(x.shape)];
  },
};

/** Shape ops: views, transposes, broadcasting, padding, tiling and reversing. */
export const layoutOps = {
  /** Same elements, new shape (one dimension may be -1). Shares storage: no copy. */
  reshape: (x: Tensor, shape: readonly number[]): Tensor => {
    const e = x.engine;
    e.checkInputs('reshape', [x]);
    checkIntegers('reshape', 'shape', shape, { min: -1 });
    const unknown = shape.filter((d) => d === -1).length;
    let target = [...shape];
    if (unknown > 1) throw new Error(`reshape: at most one -1 in ${fmt(shape)}`);
    if (unknown === 1) {
      const known = sizeOf(shape.filter((d) => d !== -1));
      if (known === 0 || x.size % known !== 0) throw new Error(`reshape: cannot reshape ${fmt(x.shape)} to ${fmt(shape)}`);
      target = shape.map((d) => (d === -1 ? x.size / known : d));
    }
    assertShape('reshape', target);
    if (sizeOf(target) !== x.size) throw new Error(`reshape: cannot reshape ${fmt(x.shape)} (${x.size} elements) to ${fmt(shape)}`);
    const out = e.view(x, target);
    record('reshape', out, [x], { x });
    return out;
  },
  /** Inserts a dimension of size 1 at `axis` (negative counts from the end, -1 appends). A view. */
  expandDims: (x: Tensor, axis = 0): Tensor => {
    const a = insertionAxis('expandDims', axis, x.shape);
    const shape = [...x.shape];
    shape.splice(a, 0, 1);
    return x.reshape(shape);
  },
  /** Removes dimensions of size 1: those in `axes`, or all of them when omitted. A view. */
  squeeze: (x: Tensor, axes?: number | readonly number[]): Tensor => {
    const ax = axes === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : axesOf('squeeze', axes, x);
    for (const a of ax) {
      if (x.shape[a] !== 1) throw new Error(`squeeze: axis ${a} of shape ${fmt(x.shape)} has size ${x.shape[a]}, not 1`);
    }
    return x.reshape(x.shape.filter((_, i) => !ax.includes(i)));
  },
  /** The elements as a 1-D tensor (row-major order). A view. */
  flatten: (x: Tensor): Tensor => x.reshape([x.size]),
  /** Permutes dimensions (reverses them when `perm` is omitted). */
  transpose: (x: Tensor, perm?: readonly number[]): Tensor => {
    const e = x.engine;
    e.checkInputs('transpose', [x]);
    const p = perm !== undefined ? [...checkArray<number>('transpose', 'perm', perm)] : x.shape.map((_, i) => x.rank - 1 - i);
    const sorted = [...p].sort((a, b) => a - b);
    if (p.length !== x.rank || sorted.some((v, i) => v !== i)) {
      throw new Error(`transpose: ${describeValue(perm)} is not a permutation of the axes of ${fmt(x.shape)}`);
    }
    const strides = stridesOf(x.shape);
    const outShape = p.map((a) => x.shape[a]!);
    const out = copyStrided(x, outShape, p.map((a) => strides[a]!), 0);
    record('transpose', out, [x], { x, perm: p });
    return out;
  },
  /** Broadcasts to `shape` (numpy rules), materialising the result. */
  broadcastTo: (x: Tensor, shape: readonly number[]): Tensor => {
    const e = x.engine;
    e.checkInputs('broadcastTo', [x]);
    checkShape('broadcastTo', shape);
    const out = broadcastShapes('broadcastTo', x.shape, shape);
    if (!shapesEqual(out, shape)) throw new Error(`broadcastTo: cannot broadcast ${fmt(x.shape)} to ${fmt(shape)}`);
    if (shapesEqual(x.shape, shape)) return x.reshape(shape);
    const y = copyStrided(x, shape, broadcastStrides(x.shape, shape), 0);
    record('broadcast_to', y, [x], { x });
    return y;
  },
  /**
   * Repeats x `reps[d]` times along each dimension d (tf.tile; one rep per dimension). The
   * gradient sums the tiles: dy viewed as [r0, s0, r1, s1, ...] summed over the r axes.
   */
  tile: (x: Tensor, reps: readonly number[]): Tensor => {
    const e = x.engine;
    e.checkInputs('tile', [x]);
    checkArray('tile', 'reps', reps);
    assertCounts('tile', `reps ${describeValue(reps)}`, reps, x.rank, x);
    if (reps.some((r) => !Number.isInteger(r) || r < 0)) throw new Error(`tile: reps ${describeValue(reps)} must be non-negative integers`);
    if (reps.every((r) => r === 1)) return x.reshape(x.shape);
    const outShape = x.shape.map((d, i) => d * reps[i]!);
    const out = keepValueRange(e.runKernel('tile', [x], outShape, x.dtype, { outShape, inShape: [...x.shape] }), x);
    record('tile', out, [x], { x, reps: [...reps] });
    return out;
  },
  /**
   * Pads with `constantValue`: `paddings[d] = [before, after]` for every dimension (tf.pad). The
   * gradient is the slice of dy where x landed.
   */
  pad: (x: Tensor, paddings: readonly (readonly [number, number])[], constantValue = 0): Tensor => {
    x.engine.checkInputs('pad', [x]);
    checkArray('pad', 'paddings', paddings);
    assertCounts('pad', `paddings ${describeValue(paddings)}`, paddings, x.rank, x);
    if (paddings.some((p) => !Array.isArray(p) || p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 0))) {
      throw new Error(`pad: paddings ${describeValue(paddings)} must be [before, after] pairs of non-negative integers`);
    }
    checkNumber('pad', 'constantValue', constantValue, { infinite: true, nan: true });
    const outShape = x.shape.map((d, i) => paddings[i]![0] + d + paddings[i]![1]);
    return padStrided('pad', x, outShape, paddings.map((p) => p[0]), x.shape.map(() => 1), constantValue);
  },
  /** Reverses the order of elements along `axes` (all axes when omitted), as tf.reverse. */
  reverse: (x: Tensor, axes?: number | readonly number[]): Tensor => {
    const ax = axesOf('reverse', axes, x);
    const begin = x.shape.map((d, i) => (ax.includes(i) ? d - 1 : 0));
    const step = x.shape.map((_, i) => (ax.includes(i) ? -1 : 1));
    return stridedView('reverse', x, begin, step, x.shape);
  },
};

type LayoutOps = typeof layoutOps;

declare module '../tensor.js' {
  interface Tensor extends AsMethods<LayoutOps> {}
}
declare module '../engine.js' {
  interface Engine extends LayoutOps {}
}

installOps(layoutOps, 'tensor');
