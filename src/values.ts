import type { DType, NestedArray } from './tensor.js';
import { assertShape } from './shape.js';

/** Typed arrays of numbers: accepted wherever values are (BigInt64Array and DataView are not). */
export type NumericArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint8ClampedArray
  | Uint16Array
  | Uint32Array;

/** What `e.tensor` accepts: a number or boolean, nested arrays of them, typed arrays (also nested in arrays). */
export type TensorValues = NestedArray | NumericArray | readonly (NestedArray | NumericArray)[];

/** The element types a tensor may have. */
export const dtypes: readonly DType[] = ['float32', 'int32', 'bool'];

/** Whether `v` is a typed array of numbers. */
export function isNumericArray(v: unknown): v is NumericArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array);
}

/**
 * How a value reads in an error message: numbers as JavaScript prints them (NaN, Infinity, -0),
 * strings quoted and said to be strings, arrays by their elements, tensors by their shape, other
 * objects by their kind. Short: long arrays and deep nesting are cut.
 */
export function describeValue(v: unknown, depth = 0): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'undefined':
      return 'undefined';
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v);
    case 'boolean':
      return String(v);
    case 'string':
      return `${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)} (a string)`;
    case 'bigint':
      return `${v}n (a bigint)`;
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
  }
  if (Array.isArray(v)) {
    if (depth > 2) return '[...]';
    const shown = v.slice(0, 8).map((x) => describeValue(x, depth + 1));
    // Numbers as shapes are written everywhere: [2,3].
    const sep = v.every((x) => typeof x === 'number') ? ',' : ', ';
    return `[${shown.join(sep)}${v.length > 8 ? `${sep}... (${v.length} items)` : ''}]`;
  }
  if (isNumericArray(v)) return `a ${v.constructor.name} of ${v.length} values`;
  const o = v as { shape?: unknown; dtype?: unknown; engine?: unknown; constructor?: { name?: string } };
  if (Array.isArray(o.shape) && typeof o.dtype === 'string' && o.engine !== undefined) {
    return `a ${o.dtype} tensor of shape [${o.shape.join(',')}]`;
  }
  const name = o.constructor?.name;
  if (!name || name === 'Object') {
    const keys = Object.keys(v as object);
    return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.slice(0, 8).join(', ')}`;
  }
  return `a ${name}`;
}

/** What `hostValues` returns: the values to upload, the shape and dtype they fill, and their range. */
export interface HostValues {
  flat: ArrayLike<number>;
  shape: number[];
  dtype: DType;
  range: ValueRange;
}

/** Bounds of a tensor's values, and whether all are integers. */
export interface ValueRange {
  readonly min: number;
  readonly max: number;
  readonly integers: boolean;
  /** True when min and max are values the tensor holds (host uploads); false for mere bounds (a slice's). */
  readonly exact: boolean;
}

/**
 * Checks the arguments of `e.tensor` (values, optional shape, dtype) and prepares the upload:
 * the flat values rounded for the dtype (int32 truncates, bool is 0/1), the shape, and the range
 * of the values (ops that need values in a range, like class labels, check it without a readback).
 */
export function hostValues(op: string, values: unknown, shape: unknown, dtype: unknown): HostValues {
  if (!dtypes.includes(dtype as DType)) {
    throw new Error(`${op}: dtype must be 'float32', 'int32' or 'bool', got ${describeValue(dtype)}`);
  }
  const { flat, inferredShape } = flattenValues(op, values);
  let finalShape = inferredShape;
  if (shape !== undefined) {
    assertShape(op, shape as number[]);
    finalShape = [...(shape as number[])];
  }
  const size = finalShape.reduce((n, d) => n * d, 1);
  if (size !== flat.length) {
    throw new Error(`${op}: ${flat.length} values do not fill shape [${finalShape.join(',')}]`);
  }
  const rounded = roundFor(dtype as DType, flat);
  return { flat: rounded, shape: finalShape, dtype: dtype as DType, range: rangeOf(rounded) };
}

function roundFor(dtype: DType, flat: ArrayLike<number>): ArrayLike<number> {
  if (dtype === 'float32') return flat;
  const out = new Float32Array(flat.length);
  for (let i = 0; i < flat.length; i++) out[i] = dtype === 'bool' ? (flat[i] ? 1 : 0) : Math.trunc(flat[i]!);
  return out;
}

function rangeOf(flat: ArrayLike<number>): ValueRange {
  let min = Infinity;
  let max = -Infinity;
  let integers = true;
  for (let i = 0; i < flat.length; i++) {
    // Stored as float32: the range is of what the device holds.
    const v = Math.fround(flat[i]!);
    if (v < min) min = v;
    if (v > max) max = v;
    if (integers && !Number.isInteger(v)) integers = false;
  }
  return { min, max, integers, exact: true };
}

/**
 * Flattens nested arrays (checking they are rectangular) into one array and its shape. Typed
 * arrays count as arrays at any depth; numbers and booleans are the leaves.
 */
export function flattenValues(op: string, values: unknown): { flat: ArrayLike<number>; inferredShape: number[] } {
  if (isNumericArray(values)) return { flat: values, inferredShape: [values.length] };
  if (typeof values === 'number' || typeof values === 'boolean') return { flat: [Number(values)], inferredShape: [] };
  if (!Array.isArray(values)) {
    throw new Error(`${op}: values must be a number, a boolean, nested arrays of them or a typed array, got ${describeValue(values)}`);
  }
  const shape: number[] = [];
  let level: unknown = values;
  while (Array.isArray(level) || isNumericArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const flat: number[] = [];
  const walk = (v: unknown, dim: number): void => {
    if (dim === shape.length) {
      if (typeof v !== 'number' && typeof v !== 'boolean') {
        throw new Error(`${op}: expected a number at depth ${dim}, got ${describeValue(v)}`);
      }
      flat.push(Number(v));
      return;
    }
    if (!(Array.isArray(v) || isNumericArray(v)) || v.length !== shape[dim]) {
      throw new Error(`${op}: nested arrays are not rectangular (expected length ${shape[dim]} at depth ${dim}, got ${describeValue(v)})`);
    }
    for (let i = 0; i < v.length; i++) walk(v[i], dim + 1);
  };
  walk(values, 0);
  return { flat, inferredShape: shape };
}
