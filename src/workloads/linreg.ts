/**
 * Workload 1 of the article ("The Many Applications of Gradient Descent in TensorFlow"): fit
 * weight = slope · height + intercept by gradient descent on the UNNORMALISED data, minimising
 * MSE = mean((slope · h + intercept − w)²).
 *
 * - 'manual' is the article's hand-written step: slope -= lr · dslope and
 *   intercept -= lr · K · dintercept, where K (`interceptGradScale`, 1000 there) makes up for the
 *   intercept's gradient being tiny next to the slope's on heights near 70.
 * - Any of `e.optim`'s optimizers ('sgd', 'rmsprop', 'adam', ...) is the article's one-line change;
 *   K scales the intercept's gradient before the optimizer sees it (1 by default: RMSprop and Adam
 *   rescale each gradient themselves, so K changes nothing for them).
 *
 * Each step records the loss and the parameters on the device (loss recorders: no readback); the
 * histories and the result are read once at the end. `loss` is the last recorded loss, computed
 * before the final update, as the article reports it.
 *
 * About the defaults: on unnormalised heights the problem is badly conditioned (the Hessian's
 * condition number is about mean(h²)/var(h), ~760 even after the best diagonal rescaling, ~4·10⁵
 * without), so no first-order method reaches the least-squares line in 25 steps: from the naive
 * start (0, 0) they all find, within a few steps, the best line along the well-conditioned
 * direction (through the data's centre, loss ~1.5x the minimum) and then crawl along the valley.
 * The learning rates in `linearRegressionDefaults` are those that give the lowest loss after 25
 * steps from (0, 0) on the article's data and on synthetic sets (Adam oscillates: only a narrow
 * band of rates does well, as the article observed). More steps approach the exact line further.
 */
import type { Engine } from '../engine.js';
import type { Tensor, Variable } from '../tensor.js';
import type { LossRecorder, Optimizer } from '../optim/index.js';
import { generateHeightWeight, type HeightWeightData } from './data/height_weight.js';
import { leastSquaresLine, type LineFit } from './data/least_squares.js';
import { isOptimizerName, makeOptimizer, optimizerNames, type OptimizerName } from './optimizers.js';

/** 'manual' (the article's hand-written update) or one of `e.optim`'s optimizers. */
export type LinearRegressionOptimizer = 'manual' | OptimizerName;

/** Options of `runLinearRegression`; every one has a default. */
export interface LinearRegressionOptions {
  /** Default 'manual'. */
  optimizer?: LinearRegressionOptimizer;
  /** Learning rate; default per optimizer from `linearRegressionDefaults`. */
  lr?: number;
  /** Gradient steps; default 25. */
  steps?: number;
  /** Starting slope; default 0. */
  initSlope?: number;
  /** Starting intercept; default 0. */
  initIntercept?: number;
  /** K: the intercept's gradient is multiplied by K before the update. Default 1000 for 'manual', else 1. */
  interceptGradScale?: number;
  /** Seed of the synthetic data set used when `data` is null; default 42. */
  seed?: number;
  /** Optimizer-specific Keras options (rho, beta1, momentum, ...) for e.optim's factory. */
  optimizerOptions?: Record<string, unknown>;
  /** Called after each step with the number of steps done and the total (no values: nothing is read back). */
  onStep?: (step: number, steps: number) => void;
}

/** What `runLinearRegression` returns. */
export interface LinearRegressionResult {
  /** The fitted line after the last update. */
  slope: number;
  intercept: number;
  /** The last recorded loss (before the final update, as the article reports it). */
  loss: number;
  /** The loss before each update, one per step. */
  lossHistory: number[];
  /** The exact least-squares line (float64) and its loss. */
  exact: LineFit;
  /** The slope before each update, then the final one (steps + 1 entries), for plots. */
  slopeHistory: number[];
  /** The intercept before each update, then the final one (steps + 1 entries). */
  interceptHistory: number[];
  /** The settings used, defaults filled in. */
  optimizer: LinearRegressionOptimizer;
  lr: number;
  steps: number;
  interceptGradScale: number;
  /** Where the data came from. */
  source: string;
}

/** Default learning rate and intercept-gradient scale per optimizer (see the file header). */
export const linearRegressionDefaults: Record<LinearRegressionOptimizer, { lr: number; interceptGradScale: number }> = {
  manual: { lr: 1e-4, interceptGradScale: 1000 },
  sgd: { lr: 1e-4, interceptGradScale: 1 },
  rmsprop: { lr: 0.3, interceptGradScale: 1 },
  adam: { lr: 0.13, interceptGradScale: 1 },
  adamw: { lr: 0.13, interceptGradScale: 1 },
  adamax: { lr: 0.2, interceptGradScale: 1 },
  nadam: { lr: 0.2, interceptGradScale: 1 },
  adagrad: { lr: 3, interceptGradScale: 1 },
  adadelta: { lr: 500, interceptGradScale: 1 },
  // Lion moves every parameter by ±lr each step: it cannot settle in this valley in 25 steps.
  lion: { lr: 0.1, interceptGradScale: 1 },
};

/** Options with their defaults filled in, checked. */
function settings(options: LinearRegressionOptions) {
  const op = 'runLinearRegression';
  const optimizer = options.optimizer ?? 'manual';
  if (optimizer !== 'manual' && !isOptimizerName(optimizer)) {
    throw new Error(`${op}: unknown optimizer '${String(optimizer)}' (use manual or one of ${optimizerNames.join(', ')})`);
  }
  const defaults = linearRegressionDefaults[optimizer];
  const lr = options.lr ?? defaults.lr;
  const steps = options.steps ?? 25;
  const interceptGradScale = options.interceptGradScale ?? defaults.interceptGradScale;
  const initSlope = options.initSlope ?? 0;
  const initIntercept = options.initIntercept ?? 0;
  if (!(lr > 0) || !Number.isFinite(lr)) throw new Error(`${op}: lr must be a positive number, got ${lr}`);
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`${op}: steps must be a positive integer, got ${steps}`);
  for (const [name, v] of [['interceptGradScale', interceptGradScale], ['initSlope', initSlope], ['initIntercept', initIntercept]] as const) {
    if (!Number.isFinite(v)) throw new Error(`${op}: ${name} must be a finite number, got ${v}`);
  }
  return { optimizer, lr, steps, interceptGradScale, initSlope, initIntercept };
}

function checkData(data: HeightWeightData): void {
  const { heights, weights, source } = data;
  if (heights.length !== weights.length) {
    throw new Error(`runLinearRegression: ${source} has ${heights.length} heights but ${weights.length} weights`);
  }
  if (heights.length < 2) throw new Error(`runLinearRegression: ${source} needs at least two samples, has ${heights.length}`);
}

/**
 * Fits weight = slope · height + intercept to `data` (or, when it is null, to the synthetic data
 * set of `options.seed`) by `options.steps` gradient steps on the engine's device, and compares
 * the result with the exact least-squares line. Reads back only at the end (three readbacks).
 */
export async function runLinearRegression(e: Engine, data: HeightWeightData | null, options: LinearRegressionOptions = {}): Promise<LinearRegressionResult> {
  const s = settings(options);
  const samples = data ?? generateHeightWeight(options.seed ?? 42);
  checkData(samples);
  const exact = leastSquaresLine(samples.heights, samples.weights);

  // The optimizer first: a bad option then throws before any tensor exists.
  const opt: Optimizer | null = s.optimizer === 'manual' ? null : makeOptimizer(e, 'runLinearRegression', s.optimizer, { learningRate: s.lr }, options.optimizerOptions);
  const h = e.tensor(samples.heights);
  const w = e.tensor(samples.weights);
  const slope = e.variable([s.initSlope], [], { name: 'slope' });
  const intercept = e.variable([s.initIntercept], [], { name: 'intercept' });
  const losses = e.optim.lossRecorder(s.steps);
  // One entry per step plus the final value: the histories end with the result.
  const slopes = e.optim.lossRecorder(s.steps + 1);
  const intercepts = e.optim.lossRecorder(s.steps + 1);
  const mse = (): Tensor => h.mul(slope).add(intercept).sub(w).square().mean();

  try {
    for (let step = 1; step <= s.steps; step++) {
      e.tidy(() => {
        const { value, grads } = e.valueAndGrad(mse, [slope, intercept]);
        losses.record(value);
        slopes.record(slope);
        intercepts.record(intercept);
        const [dSlope, dInterceptRaw] = grads as [Tensor, Tensor];
        const dIntercept = s.interceptGradScale === 1 ? dInterceptRaw : dInterceptRaw.mul(s.interceptGradScale);
        if (opt) opt.applyGradients([dSlope, dIntercept], [slope, intercept]);
        else manualStep(slope, intercept, dSlope, dIntercept, s.lr);
      });
      options.onStep?.(step, s.steps);
    }
    slopes.record(slope);
    intercepts.record(intercept);
    const [lossHistory, slopeHistory, interceptHistory] = await Promise.all([losses, slopes, intercepts].map((r) => readAll(r)));
    return {
      slope: slopeHistory[s.steps]!,
      intercept: interceptHistory[s.steps]!,
      loss: lossHistory[s.steps - 1]!,
      lossHistory,
      exact,
      slopeHistory,
      interceptHistory,
      optimizer: s.optimizer,
      lr: s.lr,
      steps: s.steps,
      interceptGradScale: s.interceptGradScale,
      source: samples.source,
    };
  } finally {
    opt?.dispose();
    for (const r of [losses, slopes, intercepts]) r.dispose();
    e.dispose([h, w, slope, intercept]);
  }
}

/** The article's update: slope -= lr · dslope, intercept -= lr · (K · dintercept), on the device. */
function manualStep(slope: Variable, intercept: Variable, dSlope: Tensor, dIntercept: Tensor, lr: number): void {
  slope.assign(slope.sub(dSlope.mul(lr)));
  intercept.assign(intercept.sub(dIntercept.mul(lr)));
}

async function readAll(recorder: LossRecorder): Promise<number[]> {
  return Array.from(await recorder.read());
}
