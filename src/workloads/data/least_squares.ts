/** The exact least-squares line, in float64: what gradient descent should approach. */

/** A line `y = slope · x + intercept` and its mean squared error on the data it was fitted to. */
export interface LineFit {
  slope: number;
  intercept: number;
  /** mean((slope · x + intercept − y)²). */
  loss: number;
}

/** mean((slope · x + intercept − y)²) in float64. */
export function meanSquaredError(xs: readonly number[], ys: readonly number[], slope: number, intercept: number): number {
  let total = 0;
  for (let i = 0; i < xs.length; i++) total += (slope * xs[i]! + intercept - ys[i]!) ** 2;
  return total / xs.length;
}

/**
 * The closed-form least-squares line: slope = cov(x, y) / var(x), intercept = ȳ − slope · x̄,
 * computed from centred sums (stable for heights near 70 whose squares are large).
 */
export function leastSquaresLine(xs: readonly number[], ys: readonly number[]): LineFit {
  const n = xs.length;
  if (n !== ys.length) throw new Error(`leastSquaresLine: ${n} x values but ${ys.length} y values`);
  if (n < 2) throw new Error(`leastSquaresLine: needs at least two points, got ${n}`);
  const meanX = xs.reduce((s, v) => s + v, 0) / n;
  const meanY = ys.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - meanX) * (ys[i]! - meanY);
    sxx += (xs[i]! - meanX) ** 2;
  }
  if (!(sxx > 0)) throw new Error(`leastSquaresLine: all ${n} x values are equal; the slope is undefined`);
  const slope = sxy / sxx;
  const intercept = meanY - slope * meanX;
  return { slope, intercept, loss: meanSquaredError(xs, ys, slope, intercept) };
}
