/**
 * The linear-regression runs of the article's companion notebook
 * (simple_height_vs_weight/tf_grad_desc_intro.ipynb in etotheipi/toptal_tensorflow_blog_post, run
 * with TensorFlow 2.1 on the CPU), and the numbers it printed: what the main job reproduces.
 *
 * The notebook starts each run from "a reasonable initial guess": the least-squares slope (from
 * scikit-learn, held in a float32 variable) with intercept −180, or slope 5 with the least-squares
 * intercept. Its manual steps use learning rate 2e-5 with the intercept's gradient times 1000;
 * RMSprop and Adam are Keras' with learning rate 0.1 (Adam for 50 steps). It prints slopes and
 * intercepts to 2 decimals and losses to 1; the loss is the last one recorded, before the final
 * update. Our float32 runs agree at every printed digit: their results differ from float64 ones
 * in the 6th or 7th significant digit (float32 rounding, and sums taken in another order than
 * TensorFlow's), far below the printed precision.
 */
import { ARTICLE_DATA_SOURCE } from './data/height_weight.js';
import type { LinearRegressionOptions, LinearRegressionResult, StartValue } from './linreg.js';

/** A line as the notebook printed it. */
export interface PrintedLine {
  slope: number;
  intercept: number;
  loss: number;
}

/** Decimals the notebook printed: `{slope:.2f}`, `{intercept:.2f}`, `MSE={loss:.1f}`. */
export const PRINTED_DECIMALS: Record<keyof PrintedLine, number> = { slope: 2, intercept: 2, loss: 1 };

/** One of the notebook's runs. */
export interface NotebookRun {
  /** Short name, as the command line and the report show it. */
  id: 'manual-1' | 'manual-2' | 'rmsprop' | 'adam';
  /** Where it is in the notebook. */
  cell: string;
  /** Its settings, as `runLinearRegression` options. */
  options: LinearRegressionOptions & { initSlope: StartValue; initIntercept: StartValue; lr: number; steps: number };
  /** What the notebook printed after it. */
  printed: PrintedLine;
}

/** The notebook's four runs, in its order. */
export const NOTEBOOK_RUNS: readonly NotebookRun[] = [
  {
    id: 'manual-1',
    cell: 'run_gradient_descent(df, true_slope, -180)',
    options: { optimizer: 'manual', lr: 2e-5, interceptGradScale: 1000, steps: 25, initSlope: 'exact', initIntercept: -180 },
    printed: { slope: 5.44, intercept: -188.81, loss: 129.4 },
  },
  {
    id: 'manual-2',
    cell: 'run_gradient_descent(df, 5.0, true_intercept)',
    options: { optimizer: 'manual', lr: 2e-5, interceptGradScale: 1000, steps: 25, initSlope: 5, initIntercept: 'exact' },
    printed: { slope: 5.86, intercept: -218.09, loss: 127.3 },
  },
  {
    id: 'rmsprop',
    cell: 'RMSprop(learning_rate=0.1), from (true_slope, -180)',
    options: {
      optimizer: 'rmsprop',
      lr: 0.1,
      interceptGradScale: 1,
      steps: 25,
      initSlope: 'exact',
      initIntercept: -180,
      optimizerOptions: { epsilonInsideSqrt: false },
    },
    printed: { slope: 5.32, intercept: -180.74, loss: 130.4 },
  },
  {
    id: 'adam',
    cell: 'Adam(learning_rate=0.1), from (true_slope, -180), n_iter=50',
    options: { optimizer: 'adam', lr: 0.1, interceptGradScale: 1, steps: 50, initSlope: 'exact', initIntercept: -180 },
    printed: { slope: 5.29, intercept: -180.77, loss: 138.4 },
  },
];

/** The exact solution the notebook printed (scikit-learn's LinearRegression). */
export const NOTEBOOK_EXACT: PrintedLine = { slope: 6.04, intercept: -230.53, loss: 127.1 };

/** `value` printed with `decimals` decimals, as Python's f-strings print it. */
export function printed(value: number, decimals: number): number {
  return Number(value.toFixed(decimals));
}

/** Whether `line` prints as `expected` at the notebook's precision, field by field. */
export function agreesWithPrinted(line: PrintedLine, expected: PrintedLine): Record<keyof PrintedLine, boolean> {
  const same = (k: keyof PrintedLine): boolean => printed(line[k], PRINTED_DECIMALS[k]) === expected[k];
  return { slope: same('slope'), intercept: same('intercept'), loss: same('loss') };
}

/**
 * The notebook run that `result` repeats, if any: the article's data, the same optimizer,
 * learning rate, intercept-gradient scale and steps, and the same start (an 'exact' start is the
 * least-squares value rounded to float32, as the variable holds it).
 */
export function notebookRunOf(result: LinearRegressionResult): NotebookRun | undefined {
  if (result.source !== ARTICLE_DATA_SOURCE) return undefined;
  const startOf = (v: StartValue, exact: number): number => Math.fround(v === 'exact' ? exact : v);
  return NOTEBOOK_RUNS.find(
    ({ options: o }) =>
      o.optimizer === result.optimizer &&
      o.lr === result.lr &&
      (o.interceptGradScale ?? 1) === result.interceptGradScale &&
      o.steps === result.steps &&
      startOf(o.initSlope, result.exact.slope) === result.slopeHistory[0] &&
      startOf(o.initIntercept, result.exact.intercept) === result.interceptHistory[0],
  );
}
