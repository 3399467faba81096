import { readFile } from 'node:fs/promises';

/** Paired samples for a one-variable regression. */
export interface HeightWeight {
  /** Height in inches. */
  heights: number[];
  /** Weight in pounds. */
  weights: number[];
  /** Where the samples came from, for the report. */
  source: string;
}

/**
 * Reads a CSV with `Height` and `Weight` columns (any order, quoted fields allowed), as in the
 * article's height_v_weight.csv. Throws naming the file when a column or a value is bad.
 */
export async function readHeightWeightCsv(path: string): Promise<HeightWeight> {
  const lines = (await readFile(path, 'utf8')).split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.toLowerCase());
  const hCol = header.indexOf('height');
  const wCol = header.indexOf('weight');
  if (hCol < 0 || wCol < 0) throw new Error(`${path}: expected Height and Weight columns, found ${header.join(', ')}`);
  const heights: number[] = [];
  const weights: number[] = [];
  lines.slice(1).forEach((line, i) => {
    const fields = splitCsvLine(line);
    const h = Number(fields[hCol]);
    const w = Number(fields[wCol]);
    if (!Number.isFinite(h) || !Number.isFinite(w)) throw new Error(`${path}:${i + 2}: not a number in '${line}'`);
    heights.push(h);
    weights.push(w);
  });
  if (heights.length < 2) throw new Error(`${path}: needs at least two samples`);
  return { heights, weights, source: path };
}

function splitCsvLine(line: string): string[] {
  return line.split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
}

/**
 * A seeded synthetic stand-in for the article's data set (150 adult men): heights ~ N(69, 2.5)
 * inches, weight = 6·height − 230 + N(0, 11) pounds. The same seed gives the same samples.
 */
export function syntheticHeightWeight(count = 150, seed = 42): HeightWeight {
  const random = mulberry32(seed);
  const normal = (): number => {
    // Box–Muller; 1 - u keeps the logarithm's argument in (0, 1].
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const heights: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < count; i++) {
    const h = 69 + 2.5 * normal();
    heights.push(h);
    weights.push(6 * h - 230 + 11 * normal());
  }
  return { heights, weights, source: `synthetic (${count} samples, seed ${seed})` };
}

/** A small, well-mixed 32-bit generator: uniform numbers in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The exact least-squares line in float64, to check gradient descent against. */
export function leastSquaresLine(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number } {
  const n = xs.length;
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}
