// Results of the three workloads made up in JavaScript (no engine), in the shapes the workloads
// return, for testing the report quickly.
import type { ReportData } from '../../src/report/types.js';
import type { AttackResult } from '../../src/workloads/attack/attack.js';
import { articleHeightWeight, generateHeightWeight } from '../../src/workloads/data/height_weight.js';
import { leastSquaresLine } from '../../src/workloads/data/least_squares.js';
import type { LinearRegressionResult } from '../../src/workloads/linreg.js';
import { NOTEBOOK_RUNS } from '../../src/workloads/linreg_notebook.js';
import { referenceRun } from '../../src/workloads/linreg_reference.js';
import type { VectorSpreadResult } from '../../src/workloads/vector_spread/run.js';

function linreg(optimizer: 'manual' | 'adam', slope: number, intercept: number): LinearRegressionResult {
  const data = generateHeightWeight(42);
  const exact = leastSquaresLine(data.heights, data.weights);
  const lossHistory = Array.from({ length: 25 }, (_, i) => 30000 / (i + 1) + exact.loss);
  return {
    slope,
    intercept,
    loss: lossHistory[24]!,
    lossHistory,
    exact,
    slopeHistory: Array.from({ length: 26 }, (_, i) => (slope * i) / 25),
    interceptHistory: Array.from({ length: 26 }, (_, i) => (intercept * i) / 25),
    optimizer,
    lr: optimizer === 'manual' ? 1e-4 : 0.13,
    steps: 25,
    interceptGradScale: optimizer === 'manual' ? 1000 : 1,
    source: data.source,
  };
}

function spread(loss: VectorSpreadResult['loss'], dims: number): VectorSpreadResult {
  const n = 8;
  const vectors = Array.from({ length: n }, (_, i) => {
    const v = Array.from({ length: dims }, (_, k) => Math.cos(i * 0.9 + k * 1.3));
    const norm = Math.hypot(...v);
    return v.map((x) => (0.999 * x) / norm);
  });
  return {
    minAngleDeg: 30,
    meanMinAngleDeg: 40,
    lossHistory: [0.1, 0.2, 0.3],
    minAngleHistory: [5, 20, 30],
    vectors,
    initialVectors: vectors.map((v) => v.map((x, k) => (k === 0 ? x : x * 0.5))),
    initialMinAngleDeg: 5,
    initialMeanMinAngleDeg: 10,
    loss,
    n,
    dims,
    steps: 3,
    lr: 0.01,
    lrDecay: 0.995,
    decayEvery: 100,
    clipNorm: loss === 'force' ? 200 : null,
    optimizer: 'sgd',
    seed: 1,
  };
}

function attack(): AttackResult {
  const pixels = 28 * 28;
  const original = new Float32Array(2 * pixels).map((_, i) => (i % 29) / 28);
  const adversarial = original.map((v, i) => Math.min(1, Math.max(0, v + (i % 2 ? 4 : -4) / 255)));
  const probs = (hot: number): number[] => Array.from({ length: 10 }, (_, c) => (c === hot ? 0.91 : 0.01));
  return {
    testAccuracy: 1,
    images: 2,
    attacked: 2,
    flipped: 1,
    successRate: 0.5,
    meanAbsChange: 3.9,
    maxAbsChange: 4,
    perImage: [
      { index: 0, label: 7, before: probs(7), after: probs(9), predictedBefore: 7, predictedAfter: 9 },
      { index: 1, label: 3, before: probs(3), after: probs(3), predictedBefore: 3, predictedAfter: 3 },
    ],
    original,
    adversarial,
    imageShape: [28, 28, 1],
    epsilon: 1 / 255,
    iterations: 4,
    attackSeconds: 0.5,
  };
}

/** A report with every part, and a data source with characters that must be escaped. */
export function fakeReportData(): ReportData {
  const data = { ...generateHeightWeight(42), source: 'weights <&> "heights".csv' };
  return {
    adapter: 'webgpu: test <adapter>',
    createdAt: new Date('2025-01-02T03:04:05Z'),
    summary: { header: ['workload', 'result'], rows: [['linreg', 'loss 1 < 2']] },
    linreg: { data, runs: [{ result: linreg('manual', 2.2, 30), seconds: 0.4 }, { result: linreg('adam', 2.7, 2.7), seconds: 0.3 }] },
    vectorSpread: [2, 3, 32].flatMap((d) => (['min-angle', 'force', 'best'] as const).map((l) => ({ result: spread(l, d), seconds: 1 }))),
    attack: { result: { result: attack(), testAccuracy: 0.98, heldOut: 1500, classifier: 'shipped weights' }, seconds: 2 },
  };
}

/**
 * A report of the notebook's first run on the article's data, its result made by the float64
 * reference (which prints as the notebook printed, as a float32 run does).
 */
export function notebookReportData(): ReportData {
  const data = articleHeightWeight();
  const exact = leastSquaresLine(data.heights, data.weights);
  const nb = NOTEBOOK_RUNS[0]!;
  const initSlope = Math.fround(exact.slope);
  const ref = referenceRun(data, { optimizer: 'manual', lr: nb.options.lr, steps: 25, interceptGradScale: 1000, initSlope, initIntercept: -180 });
  const result: LinearRegressionResult = {
    slope: ref.slopeHistory[25]!,
    intercept: ref.interceptHistory[25]!,
    loss: ref.lossHistory[24]!,
    exact,
    ...ref,
    optimizer: 'manual',
    lr: nb.options.lr,
    steps: 25,
    interceptGradScale: 1000,
    source: data.source,
  };
  return { adapter: 'cpu', createdAt: new Date(0), linreg: { data, runs: [{ result, seconds: 0.1 }] } };
}
