import { existsSync, readFileSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateHeightWeight, parseHeightWeightCsv, type HeightWeightData } from '../../src/workloads/data/height_weight.js';
import { leastSquaresLine, meanSquaredError } from '../../src/workloads/data/least_squares.js';
import { readHeightWeightCsv } from '../../src/workloads/data/read_height_weight.js';
import { parseCsvRows } from '../../src/workloads/data/csv.js';
import { runLinearRegression, type LinearRegressionOptions } from '../../src/workloads/linreg.js';
import { backends, cpuEngine, gpuEngine } from '../helpers/engines.js';

/** The article's data set; the tests read it where it is and never copy it. */
const articleCsv = '../shared/data/height_v_weight.csv';
const articleData: HeightWeightData | null = existsSync(articleCsv) ? parseHeightWeightCsv(readFileSync(articleCsv, 'utf8'), articleCsv) : null;
if (!articleData) console.warn(`linreg tests on the article's data skipped: ${articleCsv} is absent`);

describe('height/weight CSV', () => {
  it('reads Height and Weight whatever the order, spaces, quotes and other columns', () => {
    const text = ' Gender, Weight ,"Height",Age\r\n"Male",180.5,70.25,31\r\n"Female, tall","150",65,"x"\r\n\r\n';
    const d = parseHeightWeightCsv(text, 'people.csv');
    expect(d).toEqual({ heights: [70.25, 65], weights: [180.5, 150], source: 'people.csv' });
  });

  it('splits quoted fields with commas, doubled quotes and line breaks', () => {
    expect(parseCsvRows('a,"b, ""c""","d\ne"\n1,2,3')).toEqual([
      ['a', 'b, "c"', 'd\ne'],
      ['1', '2', '3'],
    ]);
    expect(() => parseCsvRows('a,"b\n1,2')).toThrow(/quoted field is not closed/);
  });

  it('errors name the file and what is missing or wrong', () => {
    expect(() => parseHeightWeightCsv(' Gender,Height\nMale,70\n', 'data/hw.csv')).toThrow(/^data\/hw\.csv: no Weight column in the header \(found "Gender", "Height"\)$/);
    expect(() => parseHeightWeightCsv('Name,Age\nx,1\n', 'a.csv')).toThrow(/a\.csv: no Height or Weight column/);
    expect(() => parseHeightWeightCsv('Height,Weight\n70,180\n71,tall\n', 'b.csv')).toThrow(/^b\.csv:3: Weight is not a number \("tall"\)$/);
    expect(() => parseHeightWeightCsv('Height,Weight\n70,180\n', 'c.csv')).toThrow(/c\.csv: needs at least two samples/);
    expect(() => parseHeightWeightCsv('', 'd.csv')).toThrow(/d\.csv: the file is empty/);
  });

  it('reads a file from disk, and names a missing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hw-'));
    const path = join(dir, 'hw.csv');
    writeFileSync(path, 'Height,Weight\n60,120\n70,180\n');
    expect(await readHeightWeightCsv(path)).toEqual({ heights: [60, 70], weights: [120, 180], source: path });
    await expect(readHeightWeightCsv(join(dir, 'nope.csv'))).rejects.toThrow(/nope\.csv: no such file/);
  });

  it('the synthetic set is seeded and resembles adult men (about 6 lb per inch)', () => {
    const a = generateHeightWeight(7);
    expect(generateHeightWeight(7)).toEqual(a);
    expect(generateHeightWeight(8).heights).not.toEqual(a.heights);
    expect(a.heights).toHaveLength(150);
    expect(generateHeightWeight(7, 17).heights).toHaveLength(17);
    const meanHeight = a.heights.reduce((s, v) => s + v, 0) / 150;
    expect(meanHeight).toBeGreaterThan(68);
    expect(meanHeight).toBeLessThan(70);
    const fit = leastSquaresLine(a.heights, a.weights);
    expect(fit.slope).toBeGreaterThan(4.5);
    expect(fit.slope).toBeLessThan(7.5);
    expect(Math.sqrt(fit.loss)).toBeGreaterThan(8);
    expect(Math.sqrt(fit.loss)).toBeLessThan(14);
  });

  it('the least-squares line is exact on a line and minimal on noisy data', () => {
    const exact = leastSquaresLine([60, 65, 70, 75], [130, 160, 190, 220]);
    expect(exact.slope).toBeCloseTo(6, 12);
    expect(exact.intercept).toBeCloseTo(-230, 9);
    expect(exact.loss).toBeCloseTo(0, 12);
    const d = generateHeightWeight(3, 40);
    const fit = leastSquaresLine(d.heights, d.weights);
    for (const [ds, di] of [[0.01, 0], [-0.01, 0], [0, 0.5], [0, -0.5]] as const) {
      expect(meanSquaredError(d.heights, d.weights, fit.slope + ds, fit.intercept + di)).toBeGreaterThan(fit.loss);
    }
    expect(() => leastSquaresLine([1, 1], [2, 3])).toThrow(/all 2 x values are equal/);
  });
});

/** Keras's update rules in float64 (TF 2.x docs), on the analytic MSE gradient. */
function reference(data: HeightWeightData, o: { optimizer: 'manual' | 'rmsprop' | 'adam'; lr: number; K: number; steps: number }) {
  const { heights: h, weights: w } = data;
  let a = 0;
  let b = 0;
  const slopes = [a];
  const intercepts = [b];
  const losses: number[] = [];
  const ms = [0, 0];
  const m = [0, 0];
  const v = [0, 0];
  for (let t = 1; t <= o.steps; t++) {
    losses.push(meanSquaredError(h, w, a, b));
    let ga = 0;
    let gb = 0;
    for (let i = 0; i < h.length; i++) {
      const r = a * h[i]! + b - w[i]!;
      ga += (2 * r * h[i]!) / h.length;
      gb += (2 * r) / h.length;
    }
    const g = [ga, gb * o.K];
    const p = [a, b];
    for (let k = 0; k < 2; k++) {
      if (o.optimizer === 'manual') p[k]! -= o.lr * g[k]!;
      else if (o.optimizer === 'rmsprop') {
        ms[k] = 0.9 * ms[k]! + 0.1 * g[k]! ** 2;
        p[k]! -= (o.lr * g[k]!) / Math.sqrt(ms[k]! + 1e-7);
      } else {
        m[k] = 0.9 * m[k]! + 0.1 * g[k]!;
        v[k] = 0.999 * v[k]! + 0.001 * g[k]! ** 2;
        const lrT = (o.lr * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
        p[k]! -= (lrT * m[k]!) / (Math.sqrt(v[k]!) + 1e-7);
      }
    }
    [a, b] = p as [number, number];
    slopes.push(a);
    intercepts.push(b);
  }
  return { slopes, intercepts, losses };
}

function expectNear(actual: readonly number[], expected: readonly number[], rtol: number, atol: number, what: string): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((x, i) => {
    const e = expected[i]!;
    if (!(Math.abs(x - e) <= atol + rtol * Math.abs(e))) throw new Error(`${what}[${i}]: got ${x}, expected ${e}`);
  });
}

describe.each(backends)('runLinearRegression on %s', (name, make) => {
  const data = articleData ?? generateHeightWeight(5);

  for (const optimizer of ['manual', 'rmsprop', 'adam'] as const) {
    it(`${optimizer}: the first steps follow the float64 Keras formulas`, async () => {
      const e = await make();
      const r = await runLinearRegression(e, data, { optimizer, steps: 6 });
      const ref = reference(data, { optimizer, lr: r.lr, K: r.interceptGradScale, steps: 6 });
      expectNear(r.slopeHistory, ref.slopes, 1e-4, 1e-5, 'slope');
      expectNear(r.interceptHistory, ref.intercepts, 1e-4, 1e-3, 'intercept');
      expectNear(r.lossHistory, ref.losses, 1e-4, 1e-3, 'loss');
      expect(r.slope).toBe(r.slopeHistory[6]);
      expect(r.loss).toBe(r.lossHistory[5]);
    });
  }

  it('options are checked', async () => {
    const e = await make();
    await expect(runLinearRegression(e, data, { optimizer: 'newton' as 'adam' })).rejects.toThrow(/unknown optimizer 'newton'.*manual.*sgd, rmsprop, adam/);
    await expect(runLinearRegression(e, data, { steps: 0 })).rejects.toThrow(/steps must be a positive integer, got 0/);
    await expect(runLinearRegression(e, data, { lr: -1 })).rejects.toThrow(/lr must be a positive number, got -1/);
    await expect(runLinearRegression(e, { heights: [1, 2], weights: [1], source: 'odd' })).rejects.toThrow(/odd has 2 heights but 1 weights/);
    expect(e.memory().tensors).toBe(0);
  });

  if (name === 'cpu') {
    it('with enough steps the manual update reaches the least-squares line', async () => {
      // Unnormalised heights make the problem badly conditioned: 25 steps only find the best line
      // through the data's centre; thousands of steps walk down the valley to the exact line.
      const e = await cpuEngine();
      const options: LinearRegressionOptions = { optimizer: 'manual', lr: 1.1e-4, interceptGradScale: 4000, steps: 5000 };
      const r = await runLinearRegression(e, data, options);
      expect(Math.abs(r.slope - r.exact.slope)).toBeLessThan(0.3);
      expect(Math.abs(r.intercept - r.exact.intercept)).toBeLessThan(20);
      expect(r.loss).toBeLessThan(r.exact.loss * 1.01);
    });
  }
});

describe('runLinearRegression on WebGPU', () => {
  const label = articleData ? "the article's data" : 'synthetic data (article data absent)';
  it(`default runs (25 steps from 0, 0) approach the least-squares loss on ${label}`, async () => {
    const e = await gpuEngine();
    const data = articleData ?? generateHeightWeight(5);
    for (const optimizer of ['manual', 'rmsprop', 'adam'] as const) {
      const r = await runLinearRegression(e, data, { optimizer });
      expect(r.steps).toBe(25);
      expect(r.lossHistory).toHaveLength(25);
      expect(r.slopeHistory).toHaveLength(26);
      const start = r.lossHistory[0]!;
      expect(start).toBeCloseTo(meanSquaredError(data.heights, data.weights, 0, 0), -1);
      // From ~35000 to within 2x of the least-squares loss; the slope moves most of the way.
      expect(r.loss).toBeLessThan(2 * r.exact.loss);
      expect(r.loss).toBeLessThan(start / 100);
      expect(Math.abs(r.slope - r.exact.slope)).toBeLessThan(Math.abs(0 - r.exact.slope));
    }
  });

  it('reads back only at the end: three readbacks for a whole run', async () => {
    const e = await gpuEngine();
    await e.flush();
    const before = e.stats().readbacks;
    let during = -1;
    await runLinearRegression(e, generateHeightWeight(1), {
      optimizer: 'rmsprop',
      onStep: (step) => {
        if (step === 25) during = e.stats().readbacks;
      },
    });
    expect(during).toBe(before);
    expect(e.stats().readbacks - before).toBe(3);
    expect(e.memory().tensors).toBe(0);
  });

  it('without data, the seeded synthetic set is used', async () => {
    const e = await gpuEngine();
    const r = await runLinearRegression(e, null, { seed: 11, steps: 3, optimizer: 'sgd' });
    expect(r.source).toBe('synthetic (150 samples, seed 11)');
    const d = generateHeightWeight(11);
    expect(r.exact).toEqual(leastSquaresLine(d.heights, d.weights));
  });
});
