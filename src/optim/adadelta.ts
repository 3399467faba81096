import { checkNumber, type OptimizerOptions, type UpdateRule } from './rule.js';

/** Options of `e.optim.adadelta` (Keras Adadelta). */
export interface AdadeltaOptions extends OptimizerOptions {
  /** Default 0.001 (Keras's; the paper's method corresponds to 1). */
  learningRate?: OptimizerOptions['learningRate'];
  /** Decay rate; default 0.95. */
  rho?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

/** Adadelta: shaders/optim/adadelta.wgsl. */
export function adadeltaRule(options: AdadeltaOptions): UpdateRule<'adadelta'> {
  const rho = checkNumber('adadelta', 'rho', options.rho ?? 0.95, 0, 1);
  const epsilon = checkNumber('adadelta', 'epsilon', options.epsilon ?? 1e-7, 0);
  return {
    name: 'adadelta',
    optionKeys: ['rho', 'epsilon'],
    kernel: 'adadelta',
    slots: [
      { name: 'accum_grad', init: 0 },
      { name: 'accum_var', init: 0 },
    ],
    defaultLearningRate: 0.001,
    appliesDecay: true,
    params: ({ lr }) => ({ lr, rho, epsilon }),
  };
}
