import { readFileSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTICLE_HEIGHT_WEIGHT_CSV } from '../../src/workloads/data/article_data.js';
import { ARTICLE_DATA_SOURCE, articleHeightWeight, generateHeightWeight, parseHeightWeightCsv } from '../../src/workloads/data/height_weight.js';
import { leastSquaresLine, meanSquaredError } from '../../src/workloads/data/least_squares.js';
import { readHeightWeightCsv } from '../../src/workloads/data/read_height_weight.js';
import { parseCsvRows } from '../../src/workloads/data/csv.js';
import { runLinearRegression, type LinearRegressionOptions } from '../../src/workloads/linreg.js';
import { agreesWithPrinted, NOTEBOOK_EXACT, NOTEBOOK_RUNS, notebookRunOf, printed } from '../../src/workloads/linreg_notebook.js';
import { referenceOf, referenceRun } from '../../src/workloads/linreg_reference.js';
import { backends, cpuEngine, gpuEngine } from '../helpers/engines.js';

const articleData = articleHeightWeight();

describe("the article's data", () => {
  it('ships as data/height_v_weight.csv and is carried in the bundles byte for byte', () => {
    expect(ARTICLE_HEIGHT_WEIGHT_CSV).toBe(readFileSync('data/height_v_weight.csv', 'utf8'));
    expect(readFileSync('data/LICENSE', 'utf8')).toContain('Copyright (c) 2020 Alan Reiner (etotheipi)');
    expect(readFileSync('src/workloads/data/article_data.ts', 'utf8')).toContain('Copyright (c) 2020 Alan Reiner (etotheipi)');
  });

  it('holds 150 men, and its least-squares line is the one the notebook printed', () => {
    expect(articleData.source).toBe(ARTICLE_DATA_SOURCE);
    expect(articleData.heights).toHaveLength(150);
    expect(articleData.heights[0]).toBe(73.847017017515);
    expect(articleData.weights[149]).toBe(210.336424661861);
    const exact = leastSquaresLine(articleData.heights, articleData.weights);
    expect(agreesWithPrinted(exact, NOTEBOOK_EXACT)).toEqual({ slope: true, intercept: true, loss: true });
  });
});

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

function expectNear(actual: readonly number[], expected: readonly number[], rtol: number, atol: number, what: string): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((x, i) => {
    const e = expected[i]!;
    if (!(Math.abs(x - e) <= atol + rtol * Math.abs(e))) throw new Error(`${what}[${i}]: got ${x}, expected ${e}`);
  });
}

describe.each(backends)('runLinearRegression on %s', (name, make) => {
  const data = articleData;

  for (const optimizer of ['manual', 'rmsprop', 'adam'] as const) {
    it(`${optimizer}: the first steps follow the float64 Keras formulas`, async () => {
      const e = await make();
      const r = await runLinearRegression(e, data, { optimizer, steps: 6 });
      const ref = referenceOf(data, r)!;
      // float32 against float64: the loss of heights near 70 and weights near 190 cancels digits.
      expectNear(r.slopeHistory, ref.slopeHistory, 1e-5, 1e-6, 'slope');
      expectNear(r.interceptHistory, ref.interceptHistory, 1e-5, 1e-4, 'intercept');
      expectNear(r.lossHistory, ref.lossHistory, 5e-5, 1e-3, 'loss');
      expect(r.slope).toBe(r.slopeHistory[6]);
      expect(r.loss).toBe(r.lossHistory[5]);
    });
  }

  it("the notebook's four runs print as the notebook printed them, and float64 runs agree", async () => {
    const e = await make();
    for (const nb of NOTEBOOK_RUNS) {
      const r = await runLinearRegression(e, data, nb.options);
      expect(notebookRunOf(r)?.id).toBe(nb.id);
      expect(agreesWithPrinted(r, nb.printed), nb.id).toEqual({ slope: true, intercept: true, loss: true });
      const ref = referenceOf(data, r)!;
      const ours = [r.slope, r.intercept, r.loss];
      const exact = [ref.slopeHistory[r.steps]!, ref.interceptHistory[r.steps]!, ref.lossHistory[r.steps - 1]!];
      expectNear(ours, exact, 1e-5, 0, `${nb.id} against float64`);
      expect(agreesWithPrinted({ slope: exact[0]!, intercept: exact[1]!, loss: exact[2]! }, nb.printed)).toEqual({ slope: true, intercept: true, loss: true });
    }
  });

  it('options are checked', async () => {
    const e = await make();
    await expect(runLinearRegression(e, data, { optimizer: 'newton' as 'adam' })).rejects.toThrow(/unknown optimizer 'newton'.*manual.*sgd, rmsprop, adam/);
    await expect(runLinearRegression(e, data, { steps: 0 })).rejects.toThrow(/steps must be a positive integer, got 0/);
    await expect(runLinearRegression(e, data, { lr: -1 })).rejects.toThrow(/lr must be a positive number, got -1/);
    await expect(runLinearRegression(e, data, { initSlope: 'best' as 'exact' })).rejects.toThrow(/initSlope must be a finite number or 'exact', got best/);
    await expect(runLinearRegression(e, { heights: [1, 2], weights: [1], source: 'odd' })).rejects.toThrow(/odd has 2 heights but 1 weights/);
    expect(e.memory().tensors).toBe(0);
  });

  if (name === 'cpu') {
    it('with enough steps the manual update reaches the least-squares line', async () => {
      // Unnormalised heights make the problem badly conditioned: from (0, 0) a few steps only
      // find the best line through the data's centre; thousands walk down the valley.
      const e = await cpuEngine();
      const options: LinearRegressionOptions = { optimizer: 'manual', lr: 1.1e-4, interceptGradScale: 4000, steps: 5000, initSlope: 0, initIntercept: 0 };
      const r = await runLinearRegression(e, data, options);
      expect(Math.abs(r.slope - r.exact.slope)).toBeLessThan(0.3);
      expect(Math.abs(r.intercept - r.exact.intercept)).toBeLessThan(20);
      expect(r.loss).toBeLessThan(r.exact.loss * 1.01);
    });
  }
});

describe('the notebook runs', () => {
  it('are recognised only with the same data, settings and start', async () => {
    const e = await cpuEngine();
    const nb = NOTEBOOK_RUNS[0]!;
    const r = await runLinearRegression(e, null, { ...nb.options, steps: 3 });
    expect(notebookRunOf(r)).toBeUndefined();
    const other = await runLinearRegression(e, generateHeightWeight(5), nb.options);
    expect(notebookRunOf(other)).toBeUndefined();
    const start = await runLinearRegression(e, null, { ...nb.options, initIntercept: -181 });
    expect(notebookRunOf(start)).toBeUndefined();
  });

  it('compare at the printed precision, field by field', () => {
    expect(printed(5.437192, 2)).toBe(5.44);
    expect(printed(-188.81294, 2)).toBe(-188.81);
    expect(agreesWithPrinted({ slope: 5.4349, intercept: -188.81, loss: 129.44 }, NOTEBOOK_RUNS[0]!.printed)).toEqual({ slope: false, intercept: true, loss: true });
  });

  it('the float64 reference follows its formulas (one manual step by hand)', () => {
    const d = { heights: [1, 2], weights: [3, 5], source: 'two' };
    const r = referenceRun(d, { optimizer: 'manual', lr: 0.1, steps: 1, interceptGradScale: 2, initSlope: 0, initIntercept: 0 });
    // dL/da = mean(2·(a·h + b − w)·h) = (−6 − 20)/2 = −13; dL/db = (−6 − 10)/2 = −8, times K = 2.
    expect(r.slopeHistory).toEqual([0, 1.3]);
    expect(r.interceptHistory).toEqual([0, 1.6]);
    expect(r.lossHistory).toEqual([(9 + 25) / 2]);
  });
});

describe('runLinearRegression on WebGPU', () => {
  it("the default run is the notebook's first, on the article's data", async () => {
    const e = await gpuEngine();
    const r = await runLinearRegression(e, null);
    expect(r.source).toBe(ARTICLE_DATA_SOURCE);
    expect(notebookRunOf(r)?.id).toBe('manual-1');
    expect(r.lossHistory).toHaveLength(25);
    expect(r.slopeHistory).toHaveLength(26);
    expect(r.lossHistory[0]).toBeCloseTo(meanSquaredError(articleData.heights, articleData.weights, Math.fround(r.exact.slope), -180), 1);
    expect(r.loss).toBeLessThan(1.05 * r.exact.loss);
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
});
