/**
 * One iteration of the article's attack, as a captured step: the gradient of the objective with
 * respect to the INPUT images (the model's weights stay fixed, inference mode), a signed step
 * against it and a clip to the valid pixel range. No readback, no graph work per replay.
 */
import type { CompiledFunction } from '../../compile/compile_step.js';
import type { Engine } from '../../engine.js';
import type { Sequential } from '../../nn/index.js';
import type { Tensor } from '../../tensor.js';
import { applyLogits } from './logits.js';

/**
 * Which quantity a step lowers, summed over the batch (images do not interact in inference mode,
 * so each image's gradient is that of its own term):
 * - 'logProbability': `sum(mask · log softmax(logits))`; with mask = one-hot(true class) that is
 *   log p[true] (the untargeted attack).
 * - 'probability': `sum(mask · softmax(logits))`; with mask = one-hot(true) - one-hot(K) that is
 *   p[true] - p[K] (the targeted attack, as the article writes it).
 */
export type AttackObjective = 'logProbability' | 'probability';

/** The objective's value for images `x` [N, ...] and per-image class weights `mask` [N, classes]. */
export function attackObjective(model: Sequential, x: Tensor, mask: Tensor, objective: AttackObjective): Tensor {
  const logits = applyLogits(model, x, { training: false });
  const perClass = objective === 'logProbability' ? logits.logSoftmax(-1) : logits.softmax(-1);
  return perClass.mul(mask).sum();
}

/** ∇x of `attackObjective` (the model in inference mode); the objective's value is dropped. */
export function inputGradient(e: Engine, model: Sequential, x: Tensor, mask: Tensor, objective: AttackObjective): Tensor {
  const { value, grads } = e.valueAndGrad(() => attackObjective(model, x, mask, objective), [x]);
  value.dispose();
  return grads[0]!;
}

/** Options of `attackStep`. */
export interface AttackStepOptions {
  /** Step size per iteration, in pixel units of [0, 1] (the article's 1/255 by default). */
  epsilon?: number;
  objective: AttackObjective;
  /** The valid pixel range the result is clipped to (default [0, 1]). */
  clip?: readonly [number, number];
}

/**
 * A compiled attack iteration: `step(x, mask)` returns `clip(x - epsilon·sign(∇x objective), lo, hi)`
 * as a new tensor (x is not changed). The first call for a batch shape traces and captures; later
 * calls replay on the GPU. Dispose it when done.
 */
export function attackStep(e: Engine, model: Sequential, options: AttackStepOptions): CompiledFunction<[Tensor, Tensor], Tensor> {
  const epsilon = options.epsilon ?? 1 / 255;
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw new Error(`attackStep: epsilon must be a positive number, got ${epsilon}`);
  const [lo, hi] = options.clip ?? [0, 1];
  return e.compile((x: Tensor, mask: Tensor) => {
    const grad = inputGradient(e, model, x, mask, options.objective);
    return x.sub(grad.sign().mul(epsilon)).clip(lo, hi);
  });
}
