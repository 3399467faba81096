/** The spread metrics by name, as the workload's `loss` option and the command line name them. */
import type { Tensor } from '../../tensor.js';
import { minAngleSpread, minAngleVarianceSpread } from './angle_losses.js';
import { BEST_BETA, bestSpread } from './best_loss.js';
import { forceSpread } from './force_loss.js';

/** Names of the spread metrics: the article's three, then the project's own ('best', best_loss.ts). */
export const spreadLossNames = ['min-angle', 'min-angle-variance', 'force', 'best'] as const;

/** The article's three metrics. */
export const articleSpreadLosses = ['min-angle', 'min-angle-variance', 'force'] as const;

/** One of `spreadLossNames`. */
export type SpreadLossName = (typeof spreadLossNames)[number];

/** A metric of V [N, D] (rows of norm 0.999) to maximize: larger = more spread. */
export type SpreadLoss = (V: Tensor) => Tensor;

/** The metric functions by name ('best' at its final sharpness; a run anneals it). */
export const spreadLosses: Record<SpreadLossName, SpreadLoss> = {
  'min-angle': minAngleSpread,
  'min-angle-variance': minAngleVarianceSpread,
  force: forceSpread,
  best: (V) => bestSpread(V, BEST_BETA.end),
};

/** True when `name` is one of `spreadLossNames`. */
export function isSpreadLossName(name: string): name is SpreadLossName {
  return (spreadLossNames as readonly string[]).includes(name);
}
