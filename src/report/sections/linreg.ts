/**
 * The linear-regression part of the report, the article's figures: the data with each fitted
 * line, the loss curves, and the loss surface (MSE over slope and intercept) as a contour plot
 * with each run's path from its start; and a table of each run beside the numbers the companion
 * notebook printed for it.
 */
import type { HeightWeightData } from '../../workloads/data/height_weight.js';
import { meanSquaredError } from '../../workloads/data/least_squares.js';
import type { LinearRegressionResult } from '../../workloads/linreg.js';
import { referenceOf } from '../../workloads/linreg_reference.js';
import { agreesWithPrinted, NOTEBOOK_EXACT, notebookRunOf, PRINTED_DECIMALS, type PrintedLine } from '../../workloads/linreg_notebook.js';
import { chart, PALETTE, type Series } from '../chart.js';
import { contourPlot } from '../contour.js';
import { figure, htmlTable, paragraph, row, section } from '../html.js';
import { extent, niceDomain } from '../scale.js';
import type { Timed } from '../types.js';
import { fmt, runName } from './common.js';

/** A run's label: the notebook's name for it when it repeats one, else its optimizer. */
function label(r: LinearRegressionResult): string {
  return notebookRunOf(r)?.id ?? runName(r);
}

function colorOf(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}

/** Scatter of the samples, each run's final line and the least-squares line (dashed). */
export function fitChart(data: HeightWeightData, runs: readonly LinearRegressionResult[]): string {
  const [x0, x1] = niceDomain(...extent(data.heights));
  const line = (slope: number, intercept: number): [number, number][] => [
    [x0, slope * x0 + intercept],
    [x1, slope * x1 + intercept],
  ];
  const exact = runs[0]?.exact;
  const series: Series[] = [
    { label: `${data.heights.length} samples`, color: '#888', kind: 'dots', points: data.heights.map((h, i) => [h, data.weights[i]!]), opacity: 0.6 },
    ...runs.map((r, i) => ({ label: label(r), color: colorOf(i), points: line(r.slope, r.intercept) })),
  ];
  if (exact) series.push({ label: 'least squares', color: '#111', dashed: true, points: line(exact.slope, exact.intercept) });
  return chart({
    series,
    xDomain: [x0, x1],
    yDomain: niceDomain(...extent(data.weights)),
    title: 'weight = slope · height + intercept',
    xLabel: 'height (inches)',
    yLabel: 'weight (pounds)',
    legendAt: 'top-left',
    width: 520,
    height: 340,
  });
}

/** Loss before each step, per run, on a log scale, with the least-squares loss as a floor. */
export function lossChart(runs: readonly LinearRegressionResult[]): string {
  const series: Series[] = runs.map((r, i) => ({ label: label(r), color: colorOf(i), points: r.lossHistory.map((l, s) => [s + 1, l]) }));
  const exact = runs[0]?.exact;
  const steps = Math.max(1, ...runs.map((r) => r.lossHistory.length));
  if (exact) series.push({ label: 'least squares', color: '#111', dashed: true, points: [[1, exact.loss], [steps, exact.loss]] });
  return chart({ series, yScale: 'log', xDomain: [1, Math.max(2, steps)], title: 'loss (mean squared error)', xLabel: 'step', yLabel: 'loss', width: 520, height: 340 });
}

/** Levels of the loss surface: the least-squares loss times 1 + 2ᵏ/100 (1.01x, 1.02x, 1.04x, ... 41x). */
export function lossLevels(minimum: number): number[] {
  return Array.from({ length: 13 }, (_, k) => minimum * (1 + 2 ** k / 100));
}

/**
 * The loss surface MSE(slope, intercept) as level lines, the path of each run from its start (a
 * ring) through every step, and the least-squares point: the long, narrow valley of unnormalised
 * heights, which the steps cross at once and then crawl along.
 */
export function lossSurfaceChart(data: HeightWeightData, runs: readonly LinearRegressionResult[]): string {
  const exact = runs[0]?.exact;
  const slopes = [...runs.flatMap((r) => r.slopeHistory), ...(exact ? [exact.slope] : [])];
  const intercepts = [...runs.flatMap((r) => r.interceptHistory), ...(exact ? [exact.intercept] : [])];
  const pad = ([lo, hi]: [number, number]): [number, number] => niceDomain(lo - 0.08 * (hi - lo || 1), hi + 0.08 * (hi - lo || 1));
  const xDomain = pad(extent(slopes));
  const yDomain = pad(extent(intercepts));
  const series: Series[] = runs.flatMap((r, i) => {
    const path = r.slopeHistory.map((s, k) => [s, r.interceptHistory[k]!] as [number, number]);
    return [
      { label: label(r), color: colorOf(i), points: path, size: 1.5 },
      { color: colorOf(i), kind: 'dots' as const, points: path, size: 1.8 },
      { color: colorOf(i), kind: 'dots' as const, points: [path[0]!], size: 4.5, opacity: 0.35 },
    ];
  });
  if (exact) series.push({ label: 'least squares', color: '#111', kind: 'dots', points: [[exact.slope, exact.intercept]], size: 4 });
  return contourPlot({
    f: (slope, intercept) => meanSquaredError(data.heights, data.weights, slope, intercept),
    levels: exact ? lossLevels(exact.loss) : [],
    xDomain,
    yDomain,
    series,
    title: 'loss surface: MSE over slope and intercept',
    xLabel: 'slope',
    yLabel: 'intercept',
    legendAt: 'top-right',
    width: 620,
    height: 420,
  });
}

/** A notebook value as it printed it. */
function asPrinted(line: PrintedLine, key: keyof PrintedLine): string {
  return line[key].toFixed(PRINTED_DECIMALS[key]);
}

/** The largest relative difference between a run's result and its float64 twin, if it has one. */
function float64Gap(data: HeightWeightData, r: LinearRegressionResult): number | undefined {
  const ref = referenceOf(data, r);
  if (!ref) return undefined;
  const pairs: [number, number][] = [
    [r.slope, ref.slopeHistory[r.steps]!],
    [r.intercept, ref.interceptHistory[r.steps]!],
    [r.loss, ref.lossHistory[r.steps - 1]!],
  ];
  return Math.max(...pairs.map(([ours, exact]) => Math.abs(ours - exact) / Math.abs(exact)));
}

/** The table: each run, its float64 twin, the notebook's printed numbers, and the least-squares line. */
function runsTable(data: HeightWeightData, runs: readonly Timed<LinearRegressionResult>[]): string {
  const exact = runs[0]?.result.exact;
  const rows = runs.map(({ result: r, seconds }) => {
    const nb = notebookRunOf(r);
    const same = nb ? agreesWithPrinted(r, nb.printed) : undefined;
    const ref = referenceOf(data, r);
    return [
      nb && nb.id !== runName(r) ? `${nb.id}: ${runName(r)}` : runName(r),
      `${fmt(r.slopeHistory[0]!, 6)}, ${fmt(r.interceptHistory[0]!, 5)}`,
      fmt(r.lr),
      String(r.steps),
      fmt(r.slope, 6),
      fmt(r.intercept, 7),
      fmt(r.loss, 7),
      ref ? `${fmt(ref.slopeHistory[r.steps]!, 6)}, ${fmt(ref.interceptHistory[r.steps]!, 7)}, ${fmt(ref.lossHistory[r.steps - 1]!, 7)}` : '-',
      nb ? `${asPrinted(nb.printed, 'slope')}, ${asPrinted(nb.printed, 'intercept')}, ${asPrinted(nb.printed, 'loss')}` : '-',
      same ? (Object.values(same).every(Boolean) ? 'yes' : 'NO') : '-',
      exact ? `${fmt(r.loss / exact.loss, 4)}x` : '',
      `${seconds.toFixed(2)} s`,
    ];
  });
  if (exact) {
    const onArticleData = runs.some(({ result }) => notebookRunOf(result));
    const nb = NOTEBOOK_EXACT;
    const same = agreesWithPrinted(exact, nb);
    rows.push([
      'least squares (exact, float64)',
      '',
      '',
      '',
      fmt(exact.slope, 6),
      fmt(exact.intercept, 7),
      fmt(exact.loss, 7),
      '',
      onArticleData ? `${asPrinted(nb, 'slope')}, ${asPrinted(nb, 'intercept')}, ${asPrinted(nb, 'loss')}` : '-',
      onArticleData ? (Object.values(same).every(Boolean) ? 'yes' : 'NO') : '-',
      '1x',
      '',
    ]);
  }
  return htmlTable(
    ['run', 'start (slope, intercept)', 'learning rate', 'steps', 'slope', 'intercept', 'loss', 'float64 run', 'notebook printed', 'same digits', 'vs exact', 'time'],
    rows,
  );
}

/** The whole section. */
export function linregSection(data: HeightWeightData, runs: readonly Timed<LinearRegressionResult>[]): string {
  const results = runs.map((r) => r.result);
  const repeats = results.some((r) => notebookRunOf(r));
  const gaps = results.map((r) => float64Gap(data, r)).filter((g): g is number => g !== undefined);
  const gap = gaps.length > 0 ? Math.max(...gaps) : undefined;
  return section(
    'linreg',
    'Linear regression',
    paragraph(
      `Data: ${data.source}. Each run takes gradient steps on the mean squared error of the unnormalised data, as the article does: ` +
        '"manual" is its hand-written update (the intercept gradient multiplied by K); RMSprop and Adam are the one-line optimizer change. ' +
        'The loss shown is the last one recorded, before the final update, as the notebook reports it.' +
        (gap === undefined ? '' : ` "float64 run" is the same run in float64 arithmetic on the CPU; ours differ from it by ${fmt(gap, 2)} at most (relative).`),
    ),
    repeats
      ? paragraph(
          "The runs are those of the article's companion notebook (tf_grad_desc_intro.ipynb, TensorFlow 2.1 in float32 on a CPU): " +
            'the same starting guesses, learning rates and step counts. It printed slopes and intercepts to 2 decimals and losses to 1; ' +
            '"same digits" says whether ours print the same. Beyond those digits exact equality is not to be expected: both are float32 ' +
            'computations whose sums run in different orders, so they part where float32 and float64 part, in the 6th or 7th significant digit.',
        )
      : '',
    row(figure(fitChart(data, results)), figure(lossChart(results))),
    figure(
      lossSurfaceChart(data, results),
      'Level lines at 1.01, 1.02, 1.04, … 41 times the least-squares loss; each run’s path starts at the ring. ' +
        'On heights near 70 inches the valley is long and narrow: the steps reach its floor at once, then crawl along it.',
    ),
    runsTable(data, runs),
  );
}
