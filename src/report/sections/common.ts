/** Helpers the report's sections share. */
import type { LinearRegressionResult } from '../../workloads/linreg.js';

/** A number with at most `digits` significant digits (no trailing zeros), plain for ordinary magnitudes. */
export function fmt(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-4)) return Number(x.toPrecision(digits)).toExponential();
  return String(Number(x.toPrecision(digits)));
}

/** A linear-regression run's name: its optimizer, with K when the intercept gradient is scaled. */
export function runName(r: Pick<LinearRegressionResult, 'optimizer' | 'interceptGradScale'>): string {
  return r.interceptGradScale === 1 ? r.optimizer : `${r.optimizer} (K=${fmt(r.interceptGradScale)})`;
}

/** A fraction as a percentage with one decimal. */
export function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}
