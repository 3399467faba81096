/** The workload's starting vectors: seeded, as the article's np.random.normal, then normalised. */
import { normalGenerator } from '../data/random.js';

/** The article's norm for every row: just under 1, because acos(1) has no gradient (it is infinite). */
export const rowNorm = 0.999;

/** Keras UnitNorm's epsilon, as the optimizer's unitNormRows constraint uses. */
const epsilon = 1e-7;

/**
 * `n` rows of `dims` standard-normal numbers (seeded, computed in JavaScript so every backend
 * starts from the same vectors), each scaled to norm 0.999 as unitNormRows(0.999) does:
 * row · 0.999 / (1e-7 + ‖row‖).
 */
export function initialVectors(n: number, dims: number, seed: number): number[][] {
  const normal = normalGenerator(seed);
  return Array.from({ length: n }, () => {
    const row = Array.from({ length: dims }, () => normal());
    const norm = Math.sqrt(row.reduce((s, v) => s + v * v, 0));
    return row.map((v) => (v * rowNorm) / (epsilon + norm));
  });
}
