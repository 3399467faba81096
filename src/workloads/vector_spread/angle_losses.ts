/**
 * The article's two angle-based spread metrics, to MAXIMIZE, for V of shape [N, D] whose rows
 * are vectors of norm 0.999 (acos is undefined at 1, and V·Vᵀ of unit rows touches 1 on the
 * diagonal). Written with the library's ops as the article writes them with tf.*.
 */
import type { Tensor } from '../../tensor.js';
import { fmt } from '../../shape.js';

/** Weights of the article's min-angle-with-variance metric: 0.7 · min − 0.3 · spread of the minima. */
export const minAngleWeight = 0.7;
export const varianceWeight = 0.3;

/** Checks that V is [N, D] with at least two rows; `op` names the caller. */
export function checkVectors(op: string, V: Tensor): void {
  if (V.rank !== 2 || V.shape[0]! < 2 || V.shape[1]! < 1) {
    throw new Error(`${op}: expected vectors as the rows of a [N, D] tensor with N >= 2 and D >= 1, got ${fmt(V.shape)}`);
  }
}

/**
 * The angle between every pair of rows, acos(V Vᵀ), plus 2π on the diagonal so that a row's
 * angle to itself is never the smallest: angles = acos(V Vᵀ) + 2π · eye(N).
 */
export function pairAngles(V: Tensor): Tensor {
  checkVectors('pairAngles', V);
  const n = V.shape[0]!;
  const disableDiagonal = V.engine.eye(n).mul(2 * Math.PI);
  return V.matmul(V, false, true).acos().add(disableDiagonal);
}

/**
 * The true smallest angle between rows that all have norm `norm`, in radians: the article's
 * acos(V Vᵀ) is acos(norm² · cos θ), a little more than θ (3.6° for parallel rows of norm 0.999),
 * so this divides by norm² first (clamped to [-1, 1] against rounding). For recording progress;
 * not meant to be differentiated (the clamp has no gradient at the diagonal).
 */
export function minRowAngle(V: Tensor, norm: number): Tensor {
  checkVectors('minRowAngle', V);
  const n = V.shape[0]!;
  const disableDiagonal = V.engine.eye(n).mul(2 * Math.PI);
  return V.matmul(V, false, true).div(norm * norm).clip(-1, 1).acos().add(disableDiagonal).min();
}

/** 'min-angle': the smallest angle between two rows, min(angles) (radians). */
export function minAngleSpread(V: Tensor): Tensor {
  checkVectors('minAngleSpread', V);
  return pairAngles(V).min();
}

/**
 * 'min-angle-variance': the smallest angle, minus a penalty on how unequal each row's nearest
 * angle is. As the article: allMins = min(angles, axis=1); 0.7 · min(allMins) −
 * 0.3 · Σ (allMins − mean(allMins))² (its "variance" is the sum of squared deviations, N times the
 * population variance). At the optimum every row has its nearest neighbour at the same angle.
 */
export function minAngleVarianceSpread(V: Tensor): Tensor {
  checkVectors('minAngleVarianceSpread', V);
  const allMins = pairAngles(V).min(1);
  const minMin = allMins.min();
  const avgMin = allMins.mean();
  const varMin = allMins.sub(avgMin).square().sum();
  return minMin.mul(minAngleWeight).sub(varMin.mul(varianceWeight));
}
