/**
 * `webgpu-descent linreg`: the article's first workload, weight = slope·height + intercept fitted
 * by gradient descent on the GPU, next to the exact least-squares line.
 */
import type { Engine } from '../../engine.js';
import { generateHeightWeight, type HeightWeightData } from '../../workloads/data/height_weight.js';
import { readHeightWeightCsv } from '../../workloads/data/read_height_weight.js';
import {
  linearRegressionDefaults,
  runLinearRegression,
  type LinearRegressionOptimizer,
  type LinearRegressionOptions,
  type LinearRegressionResult,
} from '../../workloads/linreg.js';
import { optimizerNames } from '../../workloads/optimizers.js';
import { PROGRAM } from '../args.js';
import { defineCommand } from '../command.js';
import { commonFlags, openEngine, type Output } from '../context.js';
import { num, sampleHistory, table } from '../format.js';
import { runName } from '../../report/sections/common.js';
import { withProgress } from '../progress.js';

/** The optimizers `--optimizer` accepts: the article's hand-written update, then e.optim's. */
export const LINREG_OPTIMIZERS = ['manual', ...optimizerNames] as const;

/** The seed of the synthetic data set when no --seed is given. */
export const LINREG_DEFAULT_SEED = 42;

const lrDefaults = LINREG_OPTIMIZERS.map((o) => `${o} ${linearRegressionDefaults[o].lr}`).join(', ');

export const linregCommand = defineCommand(
  {
    name: 'linreg',
    summary: 'Fit weight = slope·height + intercept by gradient descent on the GPU (the article\'s linear regression).',
    description:
      'Without --csv the data are 150 synthetic height/weight samples generated from --seed. The loss is the\n' +
      'mean squared error on the unnormalised data; `loss` is the last one recorded, before the final update,\n' +
      'as the article reports it. The exact least-squares line is printed beside the fit.',
    flags: {
      csv: { type: 'string', valueName: 'PATH', help: 'a CSV file with Height and Weight columns (others are ignored)' },
      optimizer: { type: 'string', choices: LINREG_OPTIMIZERS, default: 'manual', help: "'manual' is the article's hand-written step" },
      lr: { type: 'number', positive: true, help: `learning rate (default per optimizer: ${lrDefaults})` },
      steps: { type: 'number', integer: true, min: 1, default: 25, help: 'gradient steps' },
      'init-slope': { type: 'number', default: 0, help: 'starting slope' },
      'init-intercept': { type: 'number', default: 0, help: 'starting intercept' },
      'intercept-grad-scale': {
        type: 'number',
        valueName: 'K',
        help: "multiply the intercept's gradient by K (default 1000 for manual, the article's, else 1)",
      },
      seed: { type: 'number', integer: true, min: 0, default: LINREG_DEFAULT_SEED, help: 'seed of the synthetic data set' },
      ...commonFlags,
    },
    examples: [
      `${PROGRAM} linreg`,
      `${PROGRAM} linreg --optimizer rmsprop --lr 0.3`,
      `${PROGRAM} linreg --optimizer adam --steps 200 --json`,
      `${PROGRAM} linreg --csv ../shared/data/height_v_weight.csv --intercept-grad-scale 1000 --lr 1e-4`,
    ],
  },
  async (flags, out) => {
    const data = flags.csv ? await readHeightWeightCsv(flags.csv) : generateHeightWeight(flags.seed);
    const e = await openEngine(flags.backend, out);
    try {
      out.info(`data:    ${data.source}${data.source.includes('samples') ? '' : `, ${data.heights.length} samples`}`);
      const result = await fitLine(e, data, {
        optimizer: flags.optimizer as LinearRegressionOptimizer,
        steps: flags.steps,
        initSlope: flags['init-slope'],
        initIntercept: flags['init-intercept'],
        ...(flags.lr !== undefined ? { lr: flags.lr } : {}),
        ...(flags['intercept-grad-scale'] !== undefined ? { interceptGradScale: flags['intercept-grad-scale'] } : {}),
      }, out);
      if (out.json) {
        const { slope, intercept, loss, lossHistory, exact } = result;
        out.result({ slope, intercept, loss, lossHistory, exact: { slope: exact.slope, intercept: exact.intercept, loss: exact.loss } });
      } else {
        printLinreg(result, out);
      }
      return 0;
    } finally {
      e.destroy();
    }
  },
);

/** Runs one fit under a progress bar labelled with the optimizer. */
export function fitLine(e: Engine, data: HeightWeightData, options: LinearRegressionOptions, out: Output): Promise<LinearRegressionResult> {
  const steps = options.steps ?? 25;
  return withProgress(
    `linreg ${options.optimizer ?? 'manual'}`,
    steps,
    (bar) => runLinearRegression(e, data, { ...options, onStep: (step) => bar.update(step) }),
    (r) => `loss ${num(r.loss)} (least squares ${num(r.exact.loss)})`,
    out.progress,
  );
}

/** The human summary of one fit. */
function printLinreg(r: LinearRegressionResult, out: Output): void {
  out.info(`optimizer: ${runName(r)}, learning rate ${num(r.lr)}, ${r.steps} steps`);
  out.info(`loss before each step: ${sampleHistory(r.lossHistory).map((s) => `${s.step}: ${num(s.value)}`).join(', ')}`);
  out.info();
  out.info(
    table(
      ['', 'slope', 'intercept', 'loss (MSE)'],
      [
        ['gradient descent', num(r.slope, 5), num(r.intercept, 5), num(r.loss, 5)],
        ['least squares', num(r.exact.slope, 5), num(r.exact.intercept, 5), num(r.exact.loss, 5)],
      ],
      ['left', 'right', 'right', 'right'],
    ),
  );
  const ratio = r.loss / r.exact.loss;
  out.info();
  out.info(
    ratio < 1.01
      ? 'the fit has reached the least-squares line'
      : `the loss is ${num(ratio, 3)}x the least-squares loss: on unnormalised heights the valley is long and narrow; more --steps go further`,
  );
}
