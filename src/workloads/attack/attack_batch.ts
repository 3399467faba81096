/**
 * The attack's loop over one batch, with nothing chosen or summarised: `iterations` captured steps
 * (attack_step.ts) from the given images, then one readback of the result. runAttack and the
 * article mode build on it.
 */
import type { Engine } from '../../engine.js';
import type { Sequential } from '../../nn/index.js';
import type { Tensor } from '../../tensor.js';
import { attackStep, type AttackObjective } from './attack_step.js';

/** Options of `attackBatch`. */
export interface BatchAttackOptions {
  /** Step size per iteration in [0, 1] pixel units. */
  epsilon: number;
  iterations: number;
  objective: AttackObjective;
  /**
   * Called after every iteration with the current batch (freed afterwards). Reading it costs a
   * readback: a page that animates the attack may; nothing else needs it.
   */
  onIteration?: (iteration: number, adversarial: Tensor) => void | Promise<void>;
}

/** What `attackBatch` returns. */
export interface BatchAttackResult {
  /** The images after the attack, in the input's layout. */
  adversarial: Float32Array;
  /** Wall time of the iterations, the final readback included. */
  seconds: number;
}

/**
 * Lowers the objective of `mask` (see `AttackObjective`) for `count` images `images` (NHWC, the
 * model's input shape) by signed-gradient steps, clipping to [0, 1] after each. One readback at
 * the end; none inside an iteration.
 */
export async function attackBatch(e: Engine, model: Sequential, images: Float32Array, mask: Float32Array, count: number, options: BatchAttackOptions): Promise<BatchAttackResult> {
  const imageShape = (model.inputShape ?? []).slice(1) as number[];
  const classes = model.outputShape?.[1];
  if (typeof classes !== 'number' || mask.length !== count * classes) {
    throw new Error(`attackBatch: the mask holds ${mask.length} values, not ${count} rows of the model's ${String(classes)} classes`);
  }
  const t0 = performance.now();
  if (count === 0 || options.iterations === 0) return { adversarial: images.slice(), seconds: 0 };
  const step = attackStep(e, model, { epsilon: options.epsilon, objective: options.objective });
  const maskTensor = e.tensor(mask, [count, classes]);
  let x = e.tensor(images, [count, ...imageShape]);
  try {
    for (let it = 1; it <= options.iterations; it++) {
      const next = step(x, maskTensor);
      x.dispose();
      x = next;
      await options.onIteration?.(it, x);
    }
    const adversarial = await x.data();
    return { adversarial, seconds: (performance.now() - t0) / 1000 };
  } finally {
    step.dispose();
    e.dispose([maskTensor, x]);
  }
}

/** Softmax outputs of `model` for `images` of `shape` (batch first), in inference mode: one readback. */
export async function predictProbabilities(e: Engine, model: Sequential, images: Float32Array, shape: readonly number[]): Promise<Float32Array> {
  const probs = e.tidy(() => model.predict(e.tensor(images, [...shape])));
  try {
    return await probs.data();
  } finally {
    probs.dispose();
  }
}
