/**
 * The article's adversarial attack on a batch of images, on the GPU: the images the model already
 * classifies correctly are pushed, a signed step of `epsilon` per iteration, away from their class
 * (untargeted: lower log p[true]) or towards class `target` (lower p[true] - p[target]), clipped
 * to [0, 1] after each step. The whole batch is one tensor; an iteration reads nothing back.
 */
import type { Engine } from '../../engine.js';
import type { Sequential } from '../../nn/index.js';
import type { Tensor } from '../../tensor.js';
import { attackBatch, predictProbabilities } from './attack_batch.js';
import type { AttackObjective } from './attack_step.js';

/** Options of `runAttack`. */
export interface AttackOptions {
  /** Step size per iteration in [0, 1] pixel units (default 1/255, the article's). */
  epsilon?: number;
  /** Number of signed-gradient steps (default 4, the article's). */
  iterations?: number;
  /** Targeted attack towards this class; untargeted when absent. */
  target?: number;
  /**
   * Called after every iteration with the current adversarial batch (attacked images only, in
   * `perImage` order; the tensor is freed afterwards). Reading it costs a readback: a page that
   * animates the attack may, the batch statistics do not need it.
   */
  onIteration?: (iteration: number, adversarial: Tensor) => void | Promise<void>;
}

/** The outcome for one attacked image. */
export interface AttackedImage {
  /** Position of the image in the `images` given to `runAttack`. */
  index: number;
  /** Its true class. */
  label: number;
  /** Class probabilities before and after the attack. */
  before: number[];
  after: number[];
  predictedBefore: number;
  predictedAfter: number;
}

/** What `runAttack` returns. Pixel changes are in 0..255 units. */
export interface AttackResult {
  /** Fraction of the given images the model classified correctly before the attack. */
  testAccuracy: number;
  /** Images given. */
  images: number;
  /**
   * Images attacked: those classified correctly before the attack (and, for a targeted attack,
   * whose class is not the target already).
   */
  attacked: number;
  /** Attacked images whose predicted class is no longer their label. */
  flipped: number;
  /** Targeted attacks only: attacked images now predicted as the target. */
  reachedTarget?: number;
  /** flipped / attacked (untargeted), reachedTarget / attacked (targeted); 0 when none was attacked. */
  successRate: number;
  /** Mean |adversarial - original| over every pixel of the attacked images, in 0..255 units. */
  meanAbsChange: number;
  /** Largest |adversarial - original| of any pixel, in 0..255 units (at most 255·epsilon·iterations). */
  maxAbsChange: number;
  /** One entry per attacked image. */
  perImage: AttackedImage[];
  /** The attacked images before the attack, concatenated in `perImage` order. */
  original: Float32Array;
  /** The attacked images after the attack, in the same order and layout. */
  adversarial: Float32Array;
  /** Shape of one image ([28, 28, 1] for MNIST). */
  imageShape: number[];
  epsilon: number;
  iterations: number;
  target?: number;
  /** Wall time of the iterations (GPU work included: the batch is read back once after them). */
  attackSeconds: number;
}

/**
 * Attacks the images `images` (N images of the model's input shape, NHWC, values in [0, 1])
 * with true classes `labels`, in inference mode (batch-norm moving statistics, no dropout).
 * Readbacks: the probabilities before, and after the iterations the probabilities and the
 * adversarial batch; none inside an iteration.
 */
export async function runAttack(
  e: Engine,
  model: Sequential,
  images: Float32Array,
  labels: ArrayLike<number>,
  options: AttackOptions = {},
): Promise<AttackResult> {
  const epsilon = options.epsilon ?? 1 / 255;
  const iterations = options.iterations ?? 4;
  const target = options.target;
  const n = labels.length;
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw new Error(`runAttack: epsilon must be a positive number, got ${epsilon}`);
  if (!Number.isInteger(iterations) || iterations < 0) throw new Error(`runAttack: iterations must be a non-negative integer, got ${iterations}`);
  const imageShape = (model.inputShape ?? []).slice(1) as number[];
  const pixels = imageShape.reduce((a, b) => a * b, 1);
  if (imageShape.length === 0 || images.length !== n * pixels) {
    throw new Error(`runAttack: ${images.length} values are not ${n} images of shape [${imageShape.join(',')}]`);
  }
  model.build(undefined, e);
  const classes = model.outputShape?.[1];
  if (typeof classes !== 'number') throw new Error(`runAttack: model '${model.name}' does not output [N, classes]`);
  if (target !== undefined && (!Number.isInteger(target) || target < 0 || target >= classes)) {
    throw new Error(`runAttack: target must be a class in 0..${classes - 1}, got ${target}`);
  }

  const probsBefore = await predictProbabilities(e, model, images, [n, ...imageShape]);
  const argmax = (p: Float32Array, i: number): number => {
    let best = 0;
    for (let c = 1; c < classes; c++) if (p[i * classes + c]! > p[i * classes + best]!) best = c;
    return best;
  };
  let correct = 0;
  const chosen: number[] = [];
  for (let i = 0; i < n; i++) {
    if (argmax(probsBefore, i) !== labels[i]) continue;
    correct++;
    if (target === undefined || labels[i] !== target) chosen.push(i);
  }
  const m = chosen.length;
  const original = new Float32Array(m * pixels);
  chosen.forEach((i, k) => original.set(images.subarray(i * pixels, (i + 1) * pixels), k * pixels));

  // Untargeted: the objective is log p[true]; targeted: p[true] - p[target]. Both are lowered.
  const objective: AttackObjective = target === undefined ? 'logProbability' : 'probability';
  const mask = new Float32Array(m * classes);
  chosen.forEach((i, k) => {
    mask[k * classes + labels[i]!] += 1;
    if (target !== undefined) mask[k * classes + target] -= 1;
  });

  const { adversarial, seconds: attackSeconds } = await attackBatch(e, model, original, mask, m, {
    epsilon,
    iterations,
    objective,
    ...(options.onIteration ? { onIteration: options.onIteration } : {}),
  });
  const probsAfter = m > 0 ? await predictProbabilities(e, model, adversarial, [m, ...imageShape]) : new Float32Array(0);

  let sumChange = 0;
  let maxChange = 0;
  for (let i = 0; i < adversarial.length; i++) {
    const d = Math.abs(adversarial[i]! - original[i]!);
    sumChange += d;
    if (d > maxChange) maxChange = d;
  }
  const row = (p: Float32Array, i: number): number[] => Array.from(p.subarray(i * classes, (i + 1) * classes));
  const perImage: AttackedImage[] = chosen.map((i, k) => ({
    index: i,
    label: labels[i]!,
    before: row(probsBefore, i),
    after: row(probsAfter, k),
    predictedBefore: argmax(probsBefore, i),
    predictedAfter: argmax(probsAfter, k),
  }));
  const flipped = perImage.filter((r) => r.predictedAfter !== r.label).length;
  const reachedTarget = target === undefined ? undefined : perImage.filter((r) => r.predictedAfter === target).length;
  const successes = reachedTarget ?? flipped;
  return {
    testAccuracy: n === 0 ? 0 : correct / n,
    images: n,
    attacked: m,
    flipped,
    ...(reachedTarget !== undefined ? { reachedTarget } : {}),
    successRate: m === 0 ? 0 : successes / m,
    meanAbsChange: adversarial.length === 0 ? 0 : (255 * sumChange) / adversarial.length,
    maxAbsChange: 255 * maxChange,
    perImage,
    original,
    adversarial,
    imageShape,
    epsilon,
    iterations,
    ...(target !== undefined ? { target } : {}),
    attackSeconds,
  };
}
