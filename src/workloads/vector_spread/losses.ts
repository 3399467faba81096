/** The spread metrics by name, as the workload's `loss` option and the command line name them. */
import type { Tensor } from '../../tensor.js';
import { minAngleSpread, minAngleVarianceSpread } from './angle_losses.js';
import { forceSpread } from './force_loss.js';

/** Names of the spread metrics. */
export const spreadLossNames = ['min-angle', 'min-angle-variance', 'force'] as const;

/** One of `spreadLossNames`. */
export type SpreadLossName = (typeof spreadLossNames)[number];

/** A metric of V [N, D] (rows of norm 0.999) to maximize: larger = more spread. */
export type SpreadLoss = (V: Tensor) => Tensor;

/** The metric functions by name. */
export const spreadLosses: Record<SpreadLossName, SpreadLoss> = {
  'min-angle': minAngleSpread,
  'min-angle-variance': minAngleVarianceSpread,
  force: forceSpread,
};

/** True when `name` is one of `spreadLossNames`. */
export function isSpreadLossName(name: string): name is SpreadLossName {
  return (spreadLossNames as readonly string[]).includes(name);
}
