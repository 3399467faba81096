/**
 * Kernel params shared between op calls, one frozen object per length. An eager step of the
 * article's force loss makes thousands of small elementwise ops and sums over a handful of
 * lengths; kernels only read their params, a recording compares a shared object with its
 * expected plan's at once, and no object is made per call.
 */

/** Lengths kept before a cache starts over (a loop uses few; a sweep of sizes would grow it). */
const maxCachedLengths = 256;

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
