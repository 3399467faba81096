import { checkNumber, type OptimizerOptions, type SlotSpec, type UpdateRule } from './rule.js';
import { checkBoolean } from '../ops/validate.js';

/** Options of `e.optim.adam` (Keras Adam). */
export interface AdamOptions extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: OptimizerOptions['learningRate'];
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-7 (added to sqrt(v), "epsilon hat" of Kingma & Ba). */
  epsilon?: number;
  /** AMSGrad variant; default false. */
  amsgrad?: boolean;
}

/** Options of `e.optim.adamw` (Keras AdamW). */
export interface AdamwOptions extends AdamOptions {
  /** Decoupled weight decay: w -= w · weightDecay · lr before each update. Default 0.004. */
  weightDecay?: number;
}

const adamKeys = ['beta1', 'beta2', 'epsilon', 'amsgrad'];

function adamHyper(op: string, options: AdamOptions) {
  const beta1 = checkNumber(op, 'beta1', options.beta1 ?? 0.9, 0, 1);
  const beta2 = checkNumber(op, 'beta2', options.beta2 ?? 0.999, 0, 1);
  const epsilon = checkNumber(op, 'epsilon', options.epsilon ?? 1e-7, 0);
  const amsgrad = checkBoolean(op, 'amsgrad', options.amsgrad);
  const slots: SlotSpec[] = [
    { name: 'm', init: 0 },
    { name: 'v', init: 0 },
  ];
  if (amsgrad) slots.push({ name: 'vhat', init: 0 });
  // The bias correction folded into the step size (TF's ApplyAdam), in float64 here.
  const alpha = (lr: number, t: number): number => (lr * Math.sqrt(1 - Math.pow(beta2, t))) / (1 - Math.pow(beta1, t));
  return { beta1, beta2, epsilon, amsgrad, slots, alpha };
}

/** Adam with optional AMSGrad: shaders/optim/adam.wgsl. */
export function adamRule(options: AdamOptions): UpdateRule<'adam'> {
  const { beta1, beta2, epsilon, amsgrad, slots, alpha } = adamHyper('adam', options);
  return {
    name: 'adam',
    optionKeys: adamKeys,
    kernel: 'adam',
    slots,
    defaultLearningRate: 0.001,
    appliesDecay: true,
    params: ({ lr, t }) => ({ alpha: alpha(lr, t), beta1, beta2, epsilon, amsgrad }),
  };
}

/** AdamW: decoupled weight decay, then Adam: shaders/optim/adamw.wgsl. */
export function adamwRule(options: AdamwOptions): UpdateRule<'adamw'> {
  const { beta1, beta2, epsilon, amsgrad, slots, alpha } = adamHyper('adamw', options);
  const weightDecay = checkNumber('adamw', 'weightDecay', options.weightDecay ?? 0.004);
  return {
    name: 'adamw',
    optionKeys: [...adamKeys, 'weightDecay'],
    kernel: 'adamw',
    slots,
    defaultLearningRate: 0.001,
    appliesDecay: true,
    params: ({ lr, t }) => ({ alpha: alpha(lr, t), beta1, beta2, epsilon, amsgrad, lr, weightDecay }),
  };
}
