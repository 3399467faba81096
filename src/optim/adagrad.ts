import { checkNumber, type OptimizerOptions, type UpdateRule } from './rule.js';

/** Options of `e.optim.adagrad` (Keras Adagrad). */
export interface AdagradOptions extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: OptimizerOptions['learningRate'];
  /** Starting value of the accumulators (non-negative); default 0.1. */
  initialAccumulatorValue?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

/** Adagrad: shaders/optim/adagrad.wgsl. */
export function adagradRule(options: AdagradOptions): UpdateRule<'adagrad'> {
  const init = checkNumber('adagrad', 'initialAccumulatorValue', options.initialAccumulatorValue ?? 0.1, 0);
  const epsilon = checkNumber('adagrad', 'epsilon', options.epsilon ?? 1e-7, 0);
  return {
    name: 'adagrad',
    optionKeys: ['initialAccumulatorValue', 'epsilon'],
    kernel: 'adagrad',
    slots: [{ name: 'accumulator', init }],
    defaultLearningRate: 0.001,
    appliesDecay: true,
    params: ({ lr }) => ({ lr, epsilon }),
  };
}
