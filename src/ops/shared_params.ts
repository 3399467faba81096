/**
 * Kernel params shared between op calls, one frozen object per length (or per shape). An eager
 * step of the article's force loss makes thousands of small elementwise ops and sums over a
 * handful of lengths; kernels only read their params, a recording compares a shared object with
 * its expected plan's at once, and no object is made per call.
 */

import type { Shape } from '../shape.js';

/** Lengths kept before a cache starts over (a loop uses few; a sweep of sizes would grow it). */
const maxCachedLengths = 256;

/** Values kept per shape before that shape's cache starts over. */
const maxPerShape = 1024;

/** Params by length, made by `make` the first time a length is asked for. */
export class ParamsByLength<P extends object> {
  private readonly cache = new Map<number, P>();

  constructor(private readonly make: (n: number) => P) {}

  get(n: number): P {
    let params = this.cache.get(n);
    if (params === undefined) {
      if (this.cache.size >= maxCachedLengths) this.cache.clear();
      params = Object.freeze(this.make(n));
      this.cache.set(n, params);
    }
    return params;
  }
}

/**
 * Values per shape and a numeric key, for params and plans an op would otherwise make per call
 * (slices, stack blocks). Keyed by the shape array itself: tensors share one frozen array per
 * small shape (src/shape.ts, frozenShape), so the same shape finds its cache again; callers pass
 * frozen shapes only (a mutable array could change under its key). No closure per lookup: `get`,
 * then `set` on a miss.
 */
export class ByShape<V> {
  private readonly byShape = new WeakMap<Shape, Map<number, V>>();

  get(shape: Shape, key: number): V | undefined {
    return this.byShape.get(shape)?.get(key);
  }

  set(shape: Shape, key: number, value: V): V {
    let values = this.byShape.get(shape);
    if (values === undefined) this.byShape.set(shape, (values = new Map()));
    if (values.size >= maxPerShape) values.clear();
    values.set(key, value);
    return value;
  }
}
