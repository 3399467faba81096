/**
 * The vector-spread workload: spread metrics (min angle, min angle with variance, force), the
 * run loop on the GPU and the float64 statistics of the result.
 */
export { runVectorSpread, vectorSpreadDefaults, type VectorSpreadOptions, type VectorSpreadResult } from './run.js';
export { articleSpreadLosses, spreadLosses, spreadLossNames, isSpreadLossName, type SpreadLoss, type SpreadLossName } from './losses.js';
export { annealedBeta, bestSpread, BEST_BETA, softMaxCosine } from './best_loss.js';
export { pairAngles, minRowAngle, minAngleSpread, minAngleVarianceSpread, minAngleWeight, varianceWeight } from './angle_losses.js';
export { forceSpread, tangentForce } from './force_loss.js';
export { spreadStats, bestMinAngleDeg2d, bestKnownMinAngleDeg, type SpreadStats } from './metrics.js';
export { initialVectors, rowNorm } from './init.js';
