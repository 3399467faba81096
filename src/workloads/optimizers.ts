/**
 * Choosing one of `e.optim`'s optimizers by name, as the workloads' options and command lines do.
 */
import type { Engine } from '../engine.js';
import type { Optimizer, OptimizerOptions } from '../optim/index.js';

/** Names of the optimizers `e.optim` makes (Keras names, lower case). */
export const optimizerNames = ['sgd', 'rmsprop', 'adam', 'adamw', 'adamax', 'nadam', 'adagrad', 'adadelta', 'lion'] as const;

/** One of `optimizerNames`. */
export type OptimizerName = (typeof optimizerNames)[number];

/** True when `name` is one of `optimizerNames`. */
export function isOptimizerName(name: string): name is OptimizerName {
  return (optimizerNames as readonly string[]).includes(name);
}

/**
 * `e.optim[name](options)`. `extra` holds optimizer-specific Keras options (rho, beta1, momentum,
 * ...) and is merged under `options`. `op` names the caller in the error for an unknown name.
 */
export function makeOptimizer(e: Engine, op: string, name: string, options: OptimizerOptions, extra: Record<string, unknown> = {}): Optimizer {
  if (!isOptimizerName(name)) throw new Error(`${op}: unknown optimizer '${name}' (use one of ${optimizerNames.join(', ')})`);
  const factory = e.optim[name] as (o: OptimizerOptions) => Optimizer;
  return factory({ ...extra, ...options });
}
