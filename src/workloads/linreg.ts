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
 * The defaults are the companion notebook's (linreg_notebook.ts): the article's data, a start at
 * the least-squares slope and intercept −180 (its "reasonable initial guess"), its learning rates
 * and step counts. On unnormalised heights the problem is badly conditioned (the Hessian's
 * condition number is about mean(h²)/var(h), ~760 even after the best diagonal rescaling, ~4·10⁵
 * without): the loss is a long, narrow valley along intercept ≈ mean(w) − slope · mean(h), which
 * first-order steps cross at once and then crawl along, so a start far down the valley (0, 0)
 * stays far from the least-squares line after 25 steps.
 */
import type { Engine } from '../engine.js';
import type { Tensor, Variable } from '../tensor.js';
import type { LossRecorder, Optimizer } from '../optim/index.js';
import { articleHeightWeight, type HeightWeightData } from './data/height_weight.js';
import { leastSquaresLine, type LineFit } from './data/least_squares.js';
import { isOptimizerName, makeOptimizer, optimizerNames, type OptimizerName } from './optimizers.js';

/** 'manual' (the article's hand-written update) or one of `e.optim`'s optimizers. */
export type LinearRegressionOptimizer = 'manual' | OptimizerName;

/** A starting value: a number, or 'exact' for the least-squares value (as the notebook's guesses). */
export type StartValue = number | 'exact';

/** Options of `runLinearRegression`; every one has a default. */
export interface LinearRegressionOptions {
  /** Default 'manual'. */
  optimizer?: LinearRegressionOptimizer;
  /** Learning rate; default per optimizer from `linearRegressionDefaults`. */
  lr?: number;
  /** Gradient steps; default per optimizer (50 for Adam, as the notebook, else 25). */
  steps?: number;
  /** Starting slope; default 'exact' (the least-squares slope, held in float32 by the variable). */
  initSlope?: StartValue;
  /** Starting intercept; default −180. */
  initIntercept?: StartValue;
  /** K: the intercept's gradient is multiplied by K before the update. Default 1000 for 'manual', else 1. */
  interceptGradScale?: number;
  /** Optimizer-specific Keras options (rho, beta1, momentum, ...) for e.optim's factory; default per optimizer. */
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
  /** The slope before each update, then the final one (steps + 1 entries): its path, from the start. */
  slopeHistory: number[];
  /** The intercept before each update, then the final one (steps + 1 entries). */
  interceptHistory: number[];
  /** The settings used, defaults filled in. */
  optimizer: LinearRegressionOptimizer;
  lr: number;
  steps: number;
  interceptGradScale: number;
  /** The optimizer-specific options given to e.optim's factory, if any. */
  optimizerOptions?: Record<string, unknown>;
  /** Where the data came from. */
  source: string;
}

/** Defaults per optimizer (see the file header): the notebook's for manual steps, RMSprop and Adam. */
export interface LinearRegressionDefaults {
  lr: number;
  steps: number;
  interceptGradScale: number;
  optimizerOptions?: Record<string, unknown>;
}

/**
 * Default settings per optimizer. Manual steps, RMSprop and Adam are the notebook's; RMSprop's
 * epsilon is added to √ms, as TF 2.1's Keras RMSprop (the notebook's) computes it without
 * momentum. The others' learning rates are those of a coarse sweep (1, 2, 5, 10, ... times a
 * power of ten) that come nearest the best loss after 25 steps from the default start, on the
 * article's data.
 */
export const linearRegressionDefaults: Record<LinearRegressionOptimizer, LinearRegressionDefaults> = {
  manual: { lr: 2e-5, steps: 25, interceptGradScale: 1000 },
  sgd: { lr: 5e-5, steps: 25, interceptGradScale: 1 },
  rmsprop: { lr: 0.1, steps: 25, interceptGradScale: 1, optimizerOptions: { epsilonInsideSqrt: false } },
  adam: { lr: 0.1, steps: 50, interceptGradScale: 1 },
  adamw: { lr: 0.1, steps: 25, interceptGradScale: 1 },
  adamax: { lr: 1, steps: 25, interceptGradScale: 1 },
  nadam: { lr: 0.3, steps: 25, interceptGradScale: 1 },
  adagrad: { lr: 0.3, steps: 25, interceptGradScale: 1 },
  adadelta: { lr: 100, steps: 25, interceptGradScale: 1 },
  lion: { lr: 0.03, steps: 25, interceptGradScale: 1 },
};

/** The default start: the least-squares slope and an intercept of −180 (the notebook's first guess). */
export const DEFAULT_START: { slope: StartValue; intercept: StartValue } = { slope: 'exact', intercept: -180 };

/** Options with their defaults filled in, checked; 'exact' starts resolved against `exact`. */
function settings(options: LinearRegressionOptions, exact: LineFit) {
  const op = 'runLinearRegression';
  const optimizer = options.optimizer ?? 'manual';
  if (optimizer !== 'manual' && !isOptimizerName(optimizer)) {
    throw new Error(`${op}: unknown optimizer '${String(optimizer)}' (use manual or one of ${optimizerNames.join(', ')})`);
  }
  const defaults = linearRegressionDefaults[optimizer];
  const lr = options.lr ?? defaults.lr;
  const steps = options.steps ?? defaults.steps;
  const interceptGradScale = options.interceptGradScale ?? defaults.interceptGradScale;
  const start = (name: string, v: StartValue, exactValue: number): number => {
    if (v === 'exact') return exactValue;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${op}: ${name} must be a finite number or 'exact', got ${String(v)}`);
    return v;
  };
  const initSlope = start('initSlope', options.initSlope ?? DEFAULT_START.slope, exact.slope);
  const initIntercept = start('initIntercept', options.initIntercept ?? DEFAULT_START.intercept, exact.intercept);
  if (!(lr > 0) || !Number.isFinite(lr)) throw new Error(`${op}: lr must be a positive number, got ${lr}`);
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`${op}: steps must be a positive integer, got ${steps}`);
  if (!Number.isFinite(interceptGradScale)) throw new Error(`${op}: interceptGradScale must be a finite number, got ${interceptGradScale}`);
  const optimizerOptions = options.optimizerOptions ?? defaults.optimizerOptions;
  return { optimizer, lr, steps, interceptGradScale, initSlope, initIntercept, optimizerOptions };
}

function checkData(data: HeightWeightData): void {
  const { heights, weights, source } = data;
  if (heights.length !== weights.length) {
    throw new Error(`runLinearRegression: ${source} has ${heights.length} heights but ${weights.length} weights`);
  }
  if (heights.length < 2) throw new Error(`runLinearRegression: ${source} needs at least two samples, has ${heights.length}`);
}

/**
 * Fits weight = slope · height + intercept to `data` (or, when it is null, to the article's 150
 * samples) by `options.steps` gradient steps on the engine's device, and compares the result with
 * the exact least-squares line. Reads back only at the end (three readbacks).
 */
export async function runLinearRegression(e: Engine, data: HeightWeightData | null, options: LinearRegressionOptions = {}): Promise<LinearRegressionResult> {
  const samples = data ?? articleHeightWeight();
  checkData(samples);
  const exact = leastSquaresLine(samples.heights, samples.weights);
  const s = settings(options, exact);

  // The optimizer first: a bad option then throws before any tensor exists.
  const opt: Optimizer | null = s.optimizer === 'manual' ? null : makeOptimizer(e, 'runLinearRegression', s.optimizer, { learningRate: s.lr }, s.optimizerOptions);
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
      ...(s.optimizerOptions ? { optimizerOptions: s.optimizerOptions } : {}),
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
