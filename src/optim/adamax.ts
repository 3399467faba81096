import { checkNumber, type OptimizerOptions, type UpdateRule } from './rule.js';

/** Options of `e.optim.adamax` (Keras Adamax). */
export interface AdamaxOptions extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: OptimizerOptions['learningRate'];
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

/** Adamax: shaders/optim/adamax.wgsl. */
export function adamaxRule(options: AdamaxOptions): UpdateRule<'adamax'> {
  const beta1 = checkNumber('adamax', 'beta1', options.beta1 ?? 0.9, 0, 1);
  const beta2 = checkNumber('adamax', 'beta2', options.beta2 ?? 0.999, 0, 1);
  const epsilon = checkNumber('adamax', 'epsilon', options.epsilon ?? 1e-7, 0);
  return {
    name: 'adamax',
    optionKeys: ['beta1', 'beta2', 'epsilon'],
    kernel: 'adamax',
    slots: [
      { name: 'm', init: 0 },
      { name: 'v', init: 0 },
    ],
    defaultLearningRate: 0.001,
    appliesDecay: true,
    params: ({ lr, t }) => ({ lrT: lr / (1 - Math.pow(beta1, t)), beta1, beta2, epsilon }),
  };
}
