import { checkNumber, type OptimizerOptions, type UpdateRule } from './rule.js';

/** Options of `e.optim.nadam` (Keras Nadam, TF 2.1). */
export interface NadamOptions extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: OptimizerOptions['learningRate'];
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-7. */
  epsilon?: number;
  /** The momentum schedule's decay (Keras `schedule_decay`, passed as `decay`); default 0.004. */
  scheduleDecay?: number;
}

/**
 * Nadam with TF 2.1's momentum schedule: shaders/optim/nadam.wgsl. The schedule's running product
 * depends only on the step, so it is recomputed on the CPU (incrementally) instead of being state.
 */
export function nadamRule(options: NadamOptions): UpdateRule<'nadam'> {
  const beta1 = checkNumber('nadam', 'beta1', options.beta1 ?? 0.9, 0, 1);
  const beta2 = checkNumber('nadam', 'beta2', options.beta2 ?? 0.999, 0, 1);
  const epsilon = checkNumber('nadam', 'epsilon', options.epsilon ?? 1e-7, 0);
  // TF 2.1: kwargs['decay'] = kwargs.pop('schedule_decay', 0.004): Keras's legacy `decay` slot holds
  // the schedule decay, and the learning rate itself is never decayed.
  if (options.decay !== undefined) throw new Error('nadam: the legacy decay option does not apply to Nadam (use scheduleDecay for its momentum schedule)');
  const decay = checkNumber('nadam', 'scheduleDecay', options.scheduleDecay ?? 0.004, 0);
  const mu = (t: number): number => beta1 * (1 - 0.5 * Math.pow(0.96, decay * t));
  // prod_{i <= t} mu_i, kept for the last step asked (steps normally come in order).
  let cachedStep = 0;
  let cachedProduct = 1;
  const schedule = (t: number): number => {
    if (t < cachedStep) {
      cachedStep = 0;
      cachedProduct = 1;
    }
    while (cachedStep < t) cachedProduct *= mu(++cachedStep);
    return cachedProduct;
  };
  return {
    name: 'nadam',
    optionKeys: ['beta1', 'beta2', 'epsilon', 'scheduleDecay'],
    kernel: 'nadam',
    slots: [
      { name: 'm', init: 0 },
      { name: 'v', init: 0 },
    ],
    defaultLearningRate: 0.001,
    appliesDecay: false,
    params: ({ lr, t }) => {
      const mScheduleNew = schedule(t);
      return {
        lr,
        beta1,
        beta2,
        epsilon,
        mT: mu(t),
        mT1: mu(t + 1),
        mScheduleNew,
        mScheduleNext: mScheduleNew * mu(t + 1),
        vDenom: 1 - Math.pow(beta2, t),
      };
    },
  };
}
