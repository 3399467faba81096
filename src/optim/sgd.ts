import { checkNumber, type OptimizerOptions, type UpdateRule } from './rule.js';
import { checkBoolean } from '../ops/validate.js';

/** Options of `e.optim.sgd` (Keras SGD). */
export interface SgdOptions extends OptimizerOptions {
  /** Default 0.01. */
  learningRate?: OptimizerOptions['learningRate'];
  /** In [0, 1]; default 0 (plain gradient descent, no slot). */
  momentum?: number;
  /** Nesterov momentum; default false. */
  nesterov?: boolean;
}

/** SGD with optional (Nesterov) momentum, Keras form: shaders/optim/sgd.wgsl. */
export function sgdRule(options: SgdOptions): UpdateRule<'sgd'> {
  const momentum = checkNumber('sgd', 'momentum', options.momentum ?? 0, 0, 1);
  const nesterov = checkBoolean('sgd', 'nesterov', options.nesterov);
  return {
    name: 'sgd',
    optionKeys: ['momentum', 'nesterov'],
    kernel: 'sgd',
    slots: momentum > 0 ? [{ name: 'momentum', init: 0 }] : [],
    defaultLearningRate: 0.01,
    appliesDecay: true,
    params: ({ lr }) => ({ lr, momentum, nesterov }),
  };
}
