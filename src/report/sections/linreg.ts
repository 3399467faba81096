/** The linear-regression part of the report: the data with each fitted line, and the loss curves. */
import type { HeightWeightData } from '../../workloads/data/height_weight.js';
import type { LinearRegressionResult } from '../../workloads/linreg.js';
import { chart, PALETTE, type Series } from '../chart.js';
import { figure, htmlTable, paragraph, row, section } from '../html.js';
import { extent, niceDomain } from '../scale.js';
import type { Timed } from '../types.js';
import { fmt, runName } from './common.js';

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
    ...runs.map((r, i) => ({ label: runName(r), color: PALETTE[i % PALETTE.length]!, points: line(r.slope, r.intercept) })),
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
  const series: Series[] = runs.map((r, i) => ({ label: runName(r), color: PALETTE[i % PALETTE.length]!, points: r.lossHistory.map((l, s) => [s + 1, l]) }));
  const exact = runs[0]?.exact;
  const steps = Math.max(1, ...runs.map((r) => r.lossHistory.length));
  if (exact) series.push({ label: 'least squares', color: '#111', dashed: true, points: [[1, exact.loss], [steps, exact.loss]] });
  return chart({ series, yScale: 'log', xDomain: [1, Math.max(2, steps)], title: 'loss (mean squared error)', xLabel: 'step', yLabel: 'loss', width: 520, height: 340 });
}

/** The whole section. */
export function linregSection(data: HeightWeightData, runs: readonly Timed<LinearRegressionResult>[]): string {
  const results = runs.map((r) => r.result);
  const exact = results[0]?.exact;
  const rows = runs.map(({ result: r, seconds }) => [
    runName(r),
    fmt(r.lr),
    String(r.steps),
    fmt(r.slope),
    fmt(r.intercept),
    fmt(r.loss),
    exact ? `${fmt(r.loss / exact.loss, 3)}x` : '',
    `${seconds.toFixed(2)} s`,
  ]);
  if (exact) rows.push(['least squares (exact)', '', '', fmt(exact.slope), fmt(exact.intercept), fmt(exact.loss), '1x', '']);
  return section(
    'linreg',
    'Linear regression',
    paragraph(
      `Data: ${data.source}. Each run starts from slope ${fmt(results[0]?.slopeHistory[0] ?? 0)}, intercept ${fmt(results[0]?.interceptHistory[0] ?? 0)} ` +
        'and takes gradient steps on the mean squared error of the unnormalised data, as the article does. ' +
        '"manual" is its hand-written update (the intercept gradient multiplied by K); the others are one-line optimizer changes. ' +
        'The loss shown is the last one recorded, before the final update.',
    ),
    row(figure(fitChart(data, results)), figure(lossChart(results))),
    htmlTable(['run', 'learning rate', 'steps', 'slope', 'intercept', 'loss', 'vs exact', 'time'], rows),
  );
}
