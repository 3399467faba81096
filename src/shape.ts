/** Shape arithmetic shared by ops and kernels: sizes, strides, broadcasting, axis normalisation. */
import { describeValue } from './values.js';

/** A tensor's dimensions, outermost first. */
export type Shape = readonly number[];

/** Number of elements in a tensor of this shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  // An index loop: for-of over a frozen shape allocates an iterator per call (it runs per op).
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/** Row-major (C-order) strides, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** `[2,3]` style rendering used in every error message. */
export function fmt(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Numpy broadcasting of two shapes; throws naming the op when they are incompatible. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: shapes ${fmt(a)} and ${fmt(b)} cannot be broadcast together`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides to read a tensor of shape `inShape` as if it had the (broadcast) shape `outShape`:
 * broadcast dimensions get stride 0.
 */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const out = new Array<number>(outShape.length);
  const offset = outShape.length - inShape.length;
  let stride = 1;
  for (let i = outShape.length - 1; i >= 0; i--) {
    const k = i - offset;
    if (k < 0) out[i] = 0;
    else {
      out[i] = inShape[k] === 1 ? 0 : stride;
      stride *= inShape[k]!;
    }
  }
  return out;
}

/**
 * Normalises possibly-negative axes to [0, rank), sorted and unique; undefined means all axes.
 * Anything but an integer or an array of integers is refused, naming what came.
 */
export function normalizeAxes(op: string, axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) {
    const all = new Array<number>(rank);
    for (let i = 0; i < rank; i++) all[i] = i;
    return all;
  }
  // One axis, the common case (a force-loss step normalizes thousands).
  if (typeof axes === 'number' && Number.isInteger(axes) && axes >= -rank && axes < Math.max(rank, 1)) return [axes < 0 ? axes + rank : axes];
  if (typeof axes !== 'number' && !Array.isArray(axes)) {
    throw new Error(`${op}: axes must be an integer or an array of integers, got ${describeValue(axes)}`);
  }
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const out = new Set<number>();
  for (const a of list) {
    if (!Number.isInteger(a)) {
      throw new Error(`${op}: axes must be integers, got ${describeValue(axes)}`);
    }
    if (a < -rank || a >= Math.max(rank, 1)) {
      throw new Error(`${op}: axis ${a} is out of range for a tensor of rank ${rank}`);
    }
    out.add(a < 0 ? a + rank : a);
  }
  return [...out].sort((x, y) => x - y);
}

/** Normalises one possibly-negative axis to [0, rank). */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis)) throw new Error(`${op}: axis must be an integer, got ${describeValue(axis)}`);
  return normalizeAxes(op, axis, rank)[0]!;
}

/** The shape left after reducing `axes`, keeping them as size 1 when `keepDims`. */
export function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  // A plain loop: every sum of an eager step runs this.
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (!axes.includes(i)) out.push(shape[i]!);
    else if (keepDims) out.push(1);
  }
  return out;
}

/** Checks that a shape is an array of non-negative integers (the message shows NaN and Infinity as such). */
export function assertShape(op: string, shape: Shape, what = 'shape'): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`${op}: invalid ${what} ${describeValue(shape)} (expected an array of non-negative integers)`);
  }
}

// Frozen shapes shared by every tensor of that shape: most tensors of a small-op workload (the
// vector spread's rows and scalars) have one of a few small shapes, and a new array per tensor
// was a fair part of what such a step leaves to the garbage collector.
const smallDim = 64;
const scalarShape: Shape = Object.freeze([]);
const vectorShapes: (Shape | undefined)[] = [];
const matrixShapes: (Shape | undefined)[] = [];

/**
 * `shape` as a tensor keeps it: frozen, and for scalars, vectors and matrices of dimensions below
 * 64 one shared array per shape. A shape already frozen is kept as it is.
 */
export function frozenShape(shape: Shape): Shape {
  const rank = shape.length;
  if (rank === 0) return scalarShape;
  const d0 = shape[0]!;
  if (rank === 1 && d0 >= 0 && d0 < smallDim && Number.isInteger(d0)) return (vectorShapes[d0] ??= Object.freeze([d0]));
  if (rank === 2 && d0 >= 0 && d0 < smallDim && Number.isInteger(d0)) {
    const d1 = shape[1]!;
    if (d1 >= 0 && d1 < smallDim && Number.isInteger(d1)) return (matrixShapes[d0 * smallDim + d1] ??= Object.freeze([d0, d1]));
  }
  return Object.isFrozen(shape) ? shape : Object.freeze([...shape]);
}
