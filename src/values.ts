import type { NestedArray } from './tensor.js';

/** Flattens nested arrays (checking they are rectangular) into one array and its shape. */
export function flattenValues(values: NestedArray | Float32Array | Int32Array | readonly number[]): {
  flat: ArrayLike<number>;
  inferredShape: number[];
} {
  if (values instanceof Float32Array || values instanceof Int32Array) {
    return { flat: values, inferredShape: [values.length] };
  }
  if (typeof values === 'number' || typeof values === 'boolean') {
    return { flat: [Number(values)], inferredShape: [] };
  }
  const shape: number[] = [];
  let level: unknown = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const flat: number[] = [];
  const walk = (v: unknown, dim: number): void => {
    if (dim === shape.length) {
      if (typeof v !== 'number' && typeof v !== 'boolean') {
        throw new Error(`tensor: expected a number at depth ${dim}, got ${Array.isArray(v) ? 'an array' : typeof v}`);
      }
      flat.push(Number(v));
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new Error(`tensor: nested arrays are not rectangular (expected length ${shape[dim]} at depth ${dim})`);
    }
    for (const item of v) walk(item, dim + 1);
  };
  walk(values, 0);
  return { flat, inferredShape: shape };
}
