/**
 * The linear-regression runs again in float64 on the CPU, with the update rules written out
 * (the article's manual step, and Keras' RMSprop and Adam as TF 2.x documents them) on the
 * analytic gradient of the MSE: a yardstick for how far a float32 run is from exact arithmetic.
 */
import type { HeightWeightData } from './data/height_weight.js';
import { meanSquaredError } from './data/least_squares.js';
import type { LinearRegressionResult } from './linreg.js';

/** The histories of a float64 run, as `LinearRegressionResult` holds them. */
export interface ReferenceRun {
  slopeHistory: number[];
  interceptHistory: number[];
  lossHistory: number[];
}

/** Settings of a reference run (those of a `LinearRegressionResult`). */
export interface ReferenceSettings {
  optimizer: 'manual' | 'rmsprop' | 'adam';
  lr: number;
  steps: number;
  interceptGradScale: number;
  initSlope: number;
  initIntercept: number;
  /** RMSprop's epsilon inside the square root (sqrt(ms + ε)) rather than added to it; default true. */
  epsilonInsideSqrt?: boolean;
}

/** True for the optimizers `referenceRun` knows. */
export function hasReference(optimizer: string): optimizer is ReferenceSettings['optimizer'] {
  return optimizer === 'manual' || optimizer === 'rmsprop' || optimizer === 'adam';
}

/** Runs the settings in float64: Keras' defaults (rho 0.9; beta1 0.9, beta2 0.999; epsilon 1e-7). */
export function referenceRun(data: HeightWeightData, o: ReferenceSettings): ReferenceRun {
  const { heights: h, weights: w } = data;
  const n = h.length;
  let a = o.initSlope;
  let b = o.initIntercept;
  const out: ReferenceRun = { slopeHistory: [a], interceptHistory: [b], lossHistory: [] };
  const ms = [0, 0];
  const m = [0, 0];
  const v = [0, 0];
  for (let t = 1; t <= o.steps; t++) {
    out.lossHistory.push(meanSquaredError(h, w, a, b));
    let ga = 0;
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const r = a * h[i]! + b - w[i]!;
      ga += (2 * r * h[i]!) / n;
      gb += (2 * r) / n;
    }
    const g = [ga, gb * o.interceptGradScale];
    const p = [a, b];
    for (let k = 0; k < 2; k++) {
      if (o.optimizer === 'manual') p[k]! -= o.lr * g[k]!;
      else if (o.optimizer === 'rmsprop') {
        ms[k] = 0.9 * ms[k]! + 0.1 * g[k]! ** 2;
        const denominator = (o.epsilonInsideSqrt ?? true) ? Math.sqrt(ms[k]! + 1e-7) : Math.sqrt(ms[k]!) + 1e-7;
        p[k]! -= (o.lr * g[k]!) / denominator;
      } else {
        m[k] = 0.9 * m[k]! + 0.1 * g[k]!;
        v[k] = 0.999 * v[k]! + 0.001 * g[k]! ** 2;
        const lrT = (o.lr * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
        p[k]! -= (lrT * m[k]!) / (Math.sqrt(v[k]!) + 1e-7);
      }
    }
    [a, b] = p as [number, number];
    out.slopeHistory.push(a);
    out.interceptHistory.push(b);
  }
  return out;
}

/**
 * The float64 twin of a finished run (same data, settings and float32 start), or undefined for
 * optimizers without a reference.
 */
export function referenceOf(data: HeightWeightData, r: LinearRegressionResult): ReferenceRun | undefined {
  if (!hasReference(r.optimizer)) return undefined;
  const epsilonInsideSqrt = r.optimizerOptions?.['epsilonInsideSqrt'];
  return referenceRun(data, {
    optimizer: r.optimizer,
    lr: r.lr,
    steps: r.steps,
    interceptGradScale: r.interceptGradScale,
    initSlope: r.slopeHistory[0]!,
    initIntercept: r.interceptHistory[0]!,
    ...(typeof epsilonInsideSqrt === 'boolean' ? { epsilonInsideSqrt } : {}),
  });
}
