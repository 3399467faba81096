/**
 * Height/weight samples for the linear-regression workload: the article's 150 samples (its
 * height_v_weight.csv, carried in the bundles: data/README.md), a parser for CSV files with
 * `Height` and `Weight` columns, and a seeded synthetic data set of the same kind.
 */
import { ARTICLE_HEIGHT_WEIGHT_CSV } from './article_data.js';
import { parseCsvRows } from './csv.js';
import { normalGenerator } from './random.js';

/** Paired samples for fitting weight = slope · height + intercept. */
export interface HeightWeightData {
  /** Heights in inches. */
  heights: number[];
  /** Weights in pounds, one per height. */
  weights: number[];
  /** Where the samples came from (a file name, or a description of the synthetic set). */
  source: string;
}

/** Header names are compared without surrounding spaces and case: ` Height` is `Height`. */
function columnIndex(header: readonly string[], name: string): number {
  return header.findIndex((h) => h.trim().toLowerCase() === name.toLowerCase());
}

/**
 * Reads `Height` and `Weight` columns from CSV text (any order; other columns are ignored; header
 * names may carry spaces and quotes). `source` names the file in error messages, which say what
 * is missing or which line holds a value that is not a number.
 */
export function parseHeightWeightCsv(text: string, source: string): HeightWeightData {
  let rows: string[][];
  try {
    rows = parseCsvRows(text);
  } catch (err) {
    throw new Error(`${source}: ${(err as Error).message}`);
  }
  const header = rows[0];
  if (!header) throw new Error(`${source}: the file is empty; expected a header with Height and Weight columns`);
  const heightCol = columnIndex(header, 'Height');
  const weightCol = columnIndex(header, 'Weight');
  const missing = [heightCol < 0 ? 'Height' : '', weightCol < 0 ? 'Weight' : ''].filter(Boolean);
  if (missing.length > 0) {
    const found = header.map((h) => JSON.stringify(h.trim())).join(', ');
    throw new Error(`${source}: no ${missing.join(' or ')} column in the header (found ${found})`);
  }
  const heights: number[] = [];
  const weights: number[] = [];
  rows.slice(1).forEach((fields, i) => {
    const line = i + 2;
    const read = (col: number, name: string): number => {
      const raw = (fields[col] ?? '').trim();
      const value = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(value)) throw new Error(`${source}:${line}: ${name} is not a number (${JSON.stringify(raw)})`);
      return value;
    };
    heights.push(read(heightCol, 'Height'));
    weights.push(read(weightCol, 'Weight'));
  });
  if (heights.length < 2) throw new Error(`${source}: needs at least two samples to fit a line, found ${heights.length}`);
  return { heights, weights, source };
}

/** The `source` of the article's data, by which its runs are recognised (linreg_notebook.ts). */
export const ARTICLE_DATA_SOURCE = "the article's height_v_weight.csv (150 men)";

/** The article's 150 samples: heights in inches and weights in pounds of adult men. */
export function articleHeightWeight(): HeightWeightData {
  return parseHeightWeightCsv(ARTICLE_HEIGHT_WEIGHT_CSV, ARTICLE_DATA_SOURCE);
}

/** Heights ~ N(69, 2.5²) inches, as adult men's in the article's data. */
const meanHeight = 69;
const sdHeight = 2.5;
/** weight ≈ 6 · height − 230 pounds, with residuals ~ N(0, 11²): the article's data, rounded. */
const trueSlope = 6;
const trueIntercept = -230;
const sdResidual = 11;

/**
 * A seeded synthetic stand-in for the article's data: `n` heights ~ N(69, 2.5²) inches and
 * weights = 6 · height − 230 + N(0, 11²) pounds (rounded statistics of 150 adult men). The same
 * seed always gives the same samples.
 */
export function generateHeightWeight(seed: number, n = 150): HeightWeightData {
  if (!Number.isInteger(n) || n < 2) throw new Error(`generateHeightWeight: n must be an integer >= 2, got ${n}`);
  const normal = normalGenerator(seed);
  const heights: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i++) {
    const h = meanHeight + sdHeight * normal();
    heights.push(h);
    weights.push(trueSlope * h + trueIntercept + sdResidual * normal());
  }
  return { heights, weights, source: `synthetic (${n} samples, seed ${seed})` };
}
