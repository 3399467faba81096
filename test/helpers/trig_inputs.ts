/**
 * Inputs and the float64 yardstick of the trigonometry tests (test/ops/trig.test.ts and
 * harness/tests/trig.browser.ts): the kernels must be within 1e-6 absolute of the exact value of
 * each float32 input, over the whole domain and right up to its ends. Plain functions, no test
 * framework, so that vitest and the browser harness share them.
 */

/** The error bound the WGSL acos, asin and atan promise (absolute, against float64). */
export const TRIG_MAX_ERROR = 1e-6;

/** The `count` float32 values nearest to 1 from below, 1 included (1, 1 − 2⁻²⁴, 1 − 2·2⁻²⁴, ...). */
export function floatsBelowOne(count: number): Float32Array {
  const bits = new Uint32Array(count);
  const one = new Uint32Array(new Float32Array([1]).buffer)[0]!;
  for (let k = 0; k < count; k++) bits[k] = one - k;
  return new Float32Array(bits.buffer);
}

/**
 * `n` evenly spaced points over [-1, 1], then the 4,096 float32 values nearest each end
 * (±1 and their neighbours inwards), then ±0: the domain of acos and asin, with its ends dense.
 */
export function unitIntervalInputs(n: number, endCount = 4096): Float32Array {
  const ends = floatsBelowOne(endCount);
  const out = new Float32Array(n + 2 * endCount + 2);
  for (let i = 0; i < n; i++) out[i] = -1 + (2 * i) / (n - 1);
  out.set(ends, n);
  out.set(ends.map((v) => -v), n + endCount);
  out[n + 2 * endCount] = 0;
  out[n + 2 * endCount + 1] = -0;
  return out;
}

/**
 * Inputs for atan: `n` points evenly over [-10, 10], 2n points log-spaced in magnitude from 1e-38
 * to the largest float32 with both signs, and ±Infinity.
 */
export function wideInputs(n: number): Float32Array {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(-10 + (20 * i) / (n - 1));
  const lo = Math.log(1e-38);
  const hi = Math.log(3.4028234663852886e38);
  for (let i = 0; i < n; i++) {
    const v = Math.exp(lo + ((hi - lo) * i) / (n - 1));
    out.push(v, -v);
  }
  out.push(Infinity, -Infinity);
  return Float32Array.from(out);
}

/** Where `got` is furthest from `exact` of the same (float32) inputs, and by how much. */
export interface WorstError {
  error: number;
  input: number;
  got: number;
  expected: number;
}

/**
 * The largest |got[i] − exact(x[i])| in float64 (a NaN where a number is expected counts as an
 * infinite error; an expected NaN must come out NaN).
 */
export function worstError(x: Float32Array, got: ArrayLike<number>, exact: (v: number) => number): WorstError {
  let worst: WorstError = { error: 0, input: NaN, got: NaN, expected: NaN };
  for (let i = 0; i < x.length; i++) {
    const expected = exact(x[i]!);
    const g = got[i]!;
    const error = Number.isNaN(expected) ? (Number.isNaN(g) ? 0 : Infinity) : Number.isNaN(g) ? Infinity : Math.abs(g - expected);
    if (error > worst.error) worst = { error, input: x[i]!, got: g, expected };
  }
  return worst;
}

/** A worst error in words, for assertion messages. */
export function describeWorst(name: string, w: WorstError): string {
  return `${name}: max |error| ${w.error.toExponential(3)} at x = ${w.input} (got ${w.got}, exact ${w.expected})`;
}
