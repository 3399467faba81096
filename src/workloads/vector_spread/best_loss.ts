/**
 * The project's own spread objective, 'best': a smooth stand-in for the smallest angle whose
 * optimum, in the limit, is the max-min (Tammes) arrangement, sharpened as the run goes.
 *
 * The smallest angle between unit rows is set by the largest cosine, max over pairs of x_i·x_j,
 * which is not smooth: its gradient moves one pair at a time and jumps between pairs, which is
 * why the article's min-angle ascent stalls short of the optimum. Its smooth upper bound
 *   smax_β(C) = (1/β) · log Σ_{i≠j} exp(β · x_i·x_j),   max C <= smax_β(C) <= max C + log(N(N−1))/β,
 * (log-sum-exp) weighs every pair by softmax(β · C): all pairs push apart where β is small (a
 * repulsive energy that spreads the points evenly and avoids the poor local optima a hard min
 * falls into), and as β grows only the nearest pairs count, so the minimiser approaches the
 * max-min arrangement. The run anneals β geometrically from `BEST_BETA.start` to `BEST_BETA.end`
 * (continuation: each β starts from the previous optimum) with Adam and a decaying learning
 * rate. Rows are normalised inside the objective, so its gradient is tangent to the sphere.
 */
import type { Tensor } from '../../tensor.js';
import { checkVectors } from './angle_losses.js';

/** The sharpness β of the soft maximum over the run: from start to end, geometrically. */
export const BEST_BETA = { start: 10, end: 2000 } as const;

/** β before step `step` (1-based) of `steps`: start · (end/start)^((step − 1)/(steps − 1)). */
export function annealedBeta(step: number, steps: number, start: number = BEST_BETA.start, end: number = BEST_BETA.end): number {
  if (steps <= 1) return end;
  return start * (end / start) ** ((step - 1) / (steps - 1));
}

/**
 * smax_β of the cosines between the rows of V [N, D] (rows normalised here, so any non-zero norm
 * will do): a smooth upper bound of the largest cosine, within log(N(N−1))/β of it. `beta` is a
 * number or a scalar tensor (a variable the run updates each step).
 */
export function softMaxCosine(V: Tensor, beta: Tensor | number): Tensor {
  checkVectors('softMaxCosine', V);
  const e = V.engine;
  const X = V.div(V.square().sum(1, true).sqrt());
  // The diagonal (cos = 1) is pushed 10⁴ down, where its exp underflows to 0 for any β >= 0.01;
  // it is constant (unit rows), so it carries no gradient either.
  const cosines = X.matmul(X, false, true).sub(e.eye(V.shape[0]!).mul(1e4));
  return cosines.mul(beta).logSumExp().div(beta);
}

/** 'best': minus smax_β of the cosines, to MAXIMIZE (a larger smallest angle is a smaller largest cosine). */
export function bestSpread(V: Tensor, beta: Tensor | number): Tensor {
  return softMaxCosine(V, beta).neg();
}
