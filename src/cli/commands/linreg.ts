/**
 * `webgpu-descent linreg`: the article's first workload, weight = slope·height + intercept fitted
 * by gradient descent on the GPU, next to the exact least-squares line and, when the settings are
 * one of the companion notebook's runs, next to the numbers the notebook printed.
 */
import type { Engine } from '../../engine.js';
import { articleHeightWeight, generateHeightWeight, type HeightWeightData } from '../../workloads/data/height_weight.js';
import { readHeightWeightCsv } from '../../workloads/data/read_height_weight.js';
import {
  DEFAULT_START,
  linearRegressionDefaults,
  runLinearRegression,
  type LinearRegressionOptimizer,
  type LinearRegressionOptions,
  type LinearRegressionResult,
  type StartValue,
} from '../../workloads/linreg.js';
import { agreesWithPrinted, notebookRunOf, PRINTED_DECIMALS, printed } from '../../workloads/linreg_notebook.js';
import { optimizerNames } from '../../workloads/optimizers.js';
import { parseNumber, PROGRAM, UsageError } from '../args.js';
import { defineCommand } from '../command.js';
import { commonFlags, openEngine, type Output } from '../context.js';
import { num, sampleHistory, table } from '../format.js';
import { runName } from '../../report/sections/common.js';
import { withProgress } from '../progress.js';

/** The optimizers `--optimizer` accepts: the article's hand-written update, then e.optim's. */
export const LINREG_OPTIMIZERS = ['manual', ...optimizerNames] as const;

/** The seed of the generated data set when no --seed is given. */
export const LINREG_DEFAULT_SEED = 42;

const perOptimizer = (key: 'lr' | 'steps'): string => LINREG_OPTIMIZERS.map((o) => `${o} ${linearRegressionDefaults[o][key]}`).join(', ');

/** Reads `--init-slope`/`--init-intercept`: a number, or 'exact' for the least-squares value. */
export function parseStartValue(flag: string, text: string): StartValue {
  if (text === 'exact') return 'exact';
  const value = parseNumber(text);
  if (!Number.isFinite(value)) throw new UsageError(`linreg: --${flag} must be a number or 'exact', got '${text}' (see '${PROGRAM} linreg --help')`);
  return value;
}

export const linregCommand = defineCommand(
  {
    name: 'linreg',
    summary: 'Fit weight = slope·height + intercept by gradient descent on the GPU (the article\'s linear regression).',
    description:
      "The data are the article's 150 height/weight samples, unless --csv or --generated says otherwise. The\n" +
      "defaults are the companion notebook's first run: manual steps from the least-squares slope and intercept\n" +
      '-180; `--optimizer rmsprop` and `--optimizer adam` are its RMSprop and Adam runs, and\n' +
      '`--init-slope 5 --init-intercept exact` its second manual run. The loss is the mean squared error on the\n' +
      'unnormalised data; `loss` is the last one recorded, before the final update, as the notebook reports it.',
    flags: {
      csv: { type: 'string', valueName: 'PATH', help: 'a CSV file with Height and Weight columns (others are ignored)' },
      generated: { type: 'boolean', help: 'fit 150 samples generated from --seed instead of the article\'s data' },
      optimizer: { type: 'string', choices: LINREG_OPTIMIZERS, default: 'manual', help: "'manual' is the article's hand-written step" },
      lr: { type: 'number', positive: true, help: `learning rate (default per optimizer: ${perOptimizer('lr')})` },
      steps: { type: 'number', integer: true, min: 1, help: `gradient steps (default per optimizer: ${perOptimizer('steps')})` },
      'init-slope': { type: 'string', valueName: 'X|exact', default: String(DEFAULT_START.slope), help: "starting slope; 'exact' is the least-squares slope" },
      'init-intercept': { type: 'string', valueName: 'X|exact', default: String(DEFAULT_START.intercept), help: "starting intercept; 'exact' is the least-squares intercept" },
      'intercept-grad-scale': {
        type: 'number',
        valueName: 'K',
        help: "multiply the intercept's gradient by K (default 1000 for manual, the article's, else 1)",
      },
      seed: { type: 'number', integer: true, min: 0, default: LINREG_DEFAULT_SEED, help: 'seed of the --generated data' },
      ...commonFlags,
    },
    examples: [
      `${PROGRAM} linreg`,
      `${PROGRAM} linreg --optimizer adam --json`,
      `${PROGRAM} linreg --init-slope 0 --init-intercept 0 --steps 200`,
      `${PROGRAM} linreg --generated --seed 7 --optimizer rmsprop`,
      `${PROGRAM} linreg --csv people.csv`,
    ],
  },
  async (flags, out) => {
    if (flags.csv && flags.generated) throw new UsageError(`linreg: --csv and --generated both choose the data; give one (see '${PROGRAM} linreg --help')`);
    const data = flags.csv ? await readHeightWeightCsv(flags.csv) : flags.generated ? generateHeightWeight(flags.seed) : articleHeightWeight();
    const options: LinearRegressionOptions = {
      optimizer: flags.optimizer as LinearRegressionOptimizer,
      initSlope: parseStartValue('init-slope', flags['init-slope']),
      initIntercept: parseStartValue('init-intercept', flags['init-intercept']),
      ...(flags.steps !== undefined ? { steps: flags.steps } : {}),
      ...(flags.lr !== undefined ? { lr: flags.lr } : {}),
      ...(flags['intercept-grad-scale'] !== undefined ? { interceptGradScale: flags['intercept-grad-scale'] } : {}),
    };
    const e = await openEngine(flags.backend, out);
    try {
      out.info(`data:    ${data.source}${/\d+ (samples|men)/.test(data.source) ? '' : `, ${data.heights.length} samples`}`);
      const result = await fitLine(e, data, options, out);
      const notebook = notebookRunOf(result);
      if (out.json) {
        const { slope, intercept, loss, lossHistory, exact } = result;
        out.result({
          slope,
          intercept,
          loss,
          lossHistory,
          exact: { slope: exact.slope, intercept: exact.intercept, loss: exact.loss },
          ...(notebook ? { notebook: { run: notebook.id, printed: notebook.printed, agrees: agreesWithPrinted(result, notebook.printed) } } : {}),
        });
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
export function fitLine(e: Engine, data: HeightWeightData, options: LinearRegressionOptions, out: Output, label?: string): Promise<LinearRegressionResult> {
  const optimizer = options.optimizer ?? 'manual';
  const steps = options.steps ?? linearRegressionDefaults[optimizer].steps;
  return withProgress(
    label ?? `linreg ${optimizer}`,
    steps,
    (bar) => runLinearRegression(e, data, { ...options, onStep: (step) => bar.update(step) }),
    (r) => `loss ${num(r.loss)} (least squares ${num(r.exact.loss)})`,
    out.progress,
  );
}

/** The human summary of one fit. */
function printLinreg(r: LinearRegressionResult, out: Output): void {
  out.info(`optimizer: ${runName(r)}, learning rate ${num(r.lr)}, ${r.steps} steps from slope ${num(r.slopeHistory[0]!, 6)}, intercept ${num(r.interceptHistory[0]!, 6)}`);
  out.info(`loss before each step: ${sampleHistory(r.lossHistory).map((s) => `${s.step}: ${num(s.value)}`).join(', ')}`);
  out.info();
  const rows = [
    ['gradient descent', num(r.slope, 6), num(r.intercept, 6), num(r.loss, 6)],
    ['least squares', num(r.exact.slope, 6), num(r.exact.intercept, 6), num(r.exact.loss, 6)],
  ];
  const notebook = notebookRunOf(r);
  if (notebook) {
    const p = notebook.printed;
    const d = PRINTED_DECIMALS;
    rows.push([`notebook printed (${notebook.id})`, p.slope.toFixed(d.slope), p.intercept.toFixed(d.intercept), p.loss.toFixed(d.loss)]);
  }
  out.info(table(['', 'slope', 'intercept', 'loss (MSE)'], rows, ['left', 'right', 'right', 'right']));
  out.info();
  if (notebook) {
    const agrees = agreesWithPrinted(r, notebook.printed);
    const ours = `${printed(r.slope, 2).toFixed(2)}, ${printed(r.intercept, 2).toFixed(2)}, ${printed(r.loss, 1).toFixed(1)}`;
    out.info(
      Object.values(agrees).every(Boolean)
        ? `the notebook's run ${notebook.id}: ours prints as ${ours}, as the notebook printed`
        : `the notebook's run ${notebook.id}: ours prints as ${ours}, the notebook printed ${Object.values(notebook.printed).join(', ')}`,
    );
  }
  const ratio = r.loss / r.exact.loss;
  out.info(
    ratio < 1.01
      ? 'the fit is within 1% of the least-squares loss'
      : `the loss is ${num(ratio, 3)}x the least-squares loss: on unnormalised heights the valley is long and narrow; more --steps go further`,
  );
}
