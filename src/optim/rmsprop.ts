import { checkNumber, type OptimizerOptions, type SlotSpec, type UpdateRule } from './rule.js';
import { checkBoolean } from '../ops/validate.js';

/** Options of `e.optim.rmsprop` (Keras RMSprop). */
export interface RmspropOptions extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: OptimizerOptions['learningRate'];
  /** Discount of the mean square; default 0.9. */
  rho?: number;
  /** In [0, 1]; default 0. */
  momentum?: number;
  /** Default 1e-7. */
  epsilon?: number;
  /** Divide by the estimated variance instead of the second moment; default false. */
  centered?: boolean;
  /**
   * Where epsilon goes: true (default) divides by sqrt(ms + epsilon), the formula Keras documents,
   * TF's RMSProp kernels use (so TF 2.1 with momentum > 0) and Keras >= 2.11 uses. False divides by
   * sqrt(ms) + epsilon, which is what TF 2.1's Keras RMSprop computes when momentum is 0.
   */
  epsilonInsideSqrt?: boolean;
}

/** RMSprop with optional momentum and centering: shaders/optim/rmsprop.wgsl. */
export function rmspropRule(options: RmspropOptions): UpdateRule<'rmsprop'> {
  const rho = checkNumber('rmsprop', 'rho', options.rho ?? 0.9, 0, 1);
  const momentum = checkNumber('rmsprop', 'momentum', options.momentum ?? 0, 0, 1);
  const epsilon = checkNumber('rmsprop', 'epsilon', options.epsilon ?? 1e-7, 0);
  const centered = checkBoolean('rmsprop', 'centered', options.centered);
  const epsilonInside = checkBoolean('rmsprop', 'epsilonInsideSqrt', options.epsilonInsideSqrt, true);
  // The kernel finds mg right after the slots that exist (momentum only when momentum > 0).
  const slots: SlotSpec[] = [{ name: 'rms', init: 0 }];
  if (momentum > 0) slots.push({ name: 'momentum', init: 0 });
  if (centered) slots.push({ name: 'mg', init: 0 });
  return {
    name: 'rmsprop',
    optionKeys: ['rho', 'momentum', 'epsilon', 'centered', 'epsilonInsideSqrt'],
    kernel: 'rmsprop',
    slots,
    defaultLearningRate: 0.001,
    appliesDecay: true,
    params: ({ lr }) => ({ lr, rho, momentum, epsilon, centered, epsilonInside }),
  };
}
