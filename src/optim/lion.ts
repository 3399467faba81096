import { checkNumber, type OptimizerOptions, type UpdateRule } from './rule.js';

/** Options of `e.optim.lion` (Keras Lion). */
export interface LionOptions extends OptimizerOptions {
  /** Default 1e-4 (tf.keras 2.12+). */
  learningRate?: OptimizerOptions['learningRate'];
  /** Interpolation between momentum and gradient for the sign; default 0.9. */
  beta1?: number;
  /** Momentum decay; default 0.99. */
  beta2?: number;
  /** Decoupled weight decay (w -= w · weightDecay · lr first); default 0. */
  weightDecay?: number;
}

/** Lion: shaders/optim/lion.wgsl. */
export function lionRule(options: LionOptions): UpdateRule<'lion'> {
  const beta1 = checkNumber('lion', 'beta1', options.beta1 ?? 0.9, 0, 1);
  const beta2 = checkNumber('lion', 'beta2', options.beta2 ?? 0.99, 0, 1);
  const weightDecay = checkNumber('lion', 'weightDecay', options.weightDecay ?? 0);
  return {
    name: 'lion',
    optionKeys: ['beta1', 'beta2', 'weightDecay'],
    kernel: 'lion',
    slots: [{ name: 'm', init: 0 }],
    defaultLearningRate: 1e-4,
    appliesDecay: true,
    params: ({ lr }) => ({ lr, beta1, beta2, weightDecay }),
  };
}
