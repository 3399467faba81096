/**
 * Training a classifier of the article's family on the GPU: Adam (learning rate decayed x0.75 per
 * epoch by default, or along a cosine) on the sparse softmax cross-entropy of the logits, with a
 * captured step (opt.compileStep). The training images live on the device; each step writes the
 * batch's indices into a small variable and the captured step gathers its images and labels from
 * there, so a step uploads only `batch` integers, builds no graph in JavaScript and reads nothing
 * back. With augmentation, a new randomly moved copy of the images (augment.ts) replaces them on
 * the device at the start of each epoch; the weights of the last epochs may be averaged, and the
 * batch-norm statistics recomputed at the end (batch_norm_stats.ts).
 */
import type { Engine } from '../../engine.js';
// Installs `e.optim` (a side effect of the optimizers' module).
import '../../optim/index.js';
import type { Sequential } from '../../nn/index.js';
import type { Variable } from '../../tensor.js';
import { augmentImages, augmentSettings, type AugmentOptions } from './augment.js';
import { recalibrateBatchNorm } from './batch_norm_stats.js';
import { evaluateClassifier, type LabelledImages } from './evaluate.js';
import { applyLogits } from './logits.js';
import { mnistModel } from './models.js';
import { permutation, seededRandom } from './random.js';

/** Steps queued between waits for the GPU to catch up. */
const SYNC_EVERY = 8;

/** Progress of `trainClassifier`, reported after every step. */
export interface TrainProgress {
  /** 1-based epoch and step within it. */
  epoch: number;
  epochs: number;
  step: number;
  stepsPerEpoch: number;
  /** Mean training loss of the epoch: set on its last step only (one readback per epoch). */
  epochLoss?: number;
  elapsedSeconds: number;
}

/** Options of `trainClassifier` and `trainMnist`. */
export interface TrainOptions {
  /** Passes over the training digits (default 5). */
  epochs?: number;
  /** Digits per step (default 64); the last partial batch of each epoch is dropped. */
  batch?: number;
  /** Seeds the weights, dropout masks and batch order (default 1). */
  seed?: number;
  /** Adam's initial learning rate (default 0.003). */
  learningRate?: number;
  /**
   * Factor the learning rate shrinks by per epoch, smoothly every step (Keras ExponentialDecay
   * with decaySteps = one epoch; default 0.75; 1 keeps it constant). A short run settles better.
   * Used by the 'exponential' schedule only.
   */
  learningRateDecay?: number;
  /**
   * 'exponential' (default): x`learningRateDecay` per epoch. 'cosine': half a cosine from the
   * initial rate down to 1% of it at the last step (Keras CosineDecay, alpha 0.01).
   */
  schedule?: 'exponential' | 'cosine';
  /**
   * Move every training image by a small random rotation, scale and shift, anew each epoch
   * (square single-channel images only); default: no augmentation.
   */
  augment?: AugmentOptions;
  /**
   * After the last epoch, replace the batch-norm moving statistics by those of the (unmoved)
   * training images in inference mode (batch_norm_stats.ts); default false (true when averaging).
   */
  recalibrateBatchNorm?: boolean;
  /**
   * Keep the mean of the trainable weights at the ends of the last `averageLast` epochs
   * (stochastic weight averaging, Izmailov et al. 2018: a point nearer the middle of the flat
   * region the late steps wander in, which generalises better than any one of them); the
   * batch-norm statistics are then recomputed for the averaged weights. Default 1: the last
   * epoch's weights.
   */
  averageLast?: number;
  /** Use only the first `trainLimit` training digits (balanced: the split interleaves classes). */
  trainLimit?: number;
  /** Called after every step. */
  onProgress?: (progress: TrainProgress) => void;
  /** Awaited after every epoch with the model (e.g. to evaluate it; training waits meanwhile). */
  onEpochEnd?: (epoch: number, model: Sequential) => void | Promise<void>;
  /**
   * Captured steps (opt.compileStep, the default) or eager ones (opt.minimize each step: the same
   * arithmetic, with the graph built in JavaScript every step).
   */
  capture?: boolean;
  /** Builds the model to train (default: `mnistModel({ seed })`). */
  model?: (seed: number) => Sequential;
}

/** What training returns. */
export interface TrainResult {
  /** The trained model, on the engine it was trained on. */
  model: Sequential;
  /** Accuracy on the held-out test digits, in inference mode. */
  testAccuracy: number;
  /** Mean training loss of each epoch. */
  epochLosses: number[];
  steps: number;
  seconds: number;
  /** Seconds spent in training steps only (evaluation excluded). */
  trainSeconds: number;
}

/**
 * Trains a new model on `train` and measures its accuracy on `test` (held-out digits). With the
 * defaults it builds the MNIST model; `options.model` may build another of the family.
 */
export async function trainClassifier(e: Engine, train: LabelledImages, test: LabelledImages, options: TrainOptions = {}): Promise<TrainResult> {
  const epochs = positiveInteger('epochs', options.epochs ?? 5);
  const batch = positiveInteger('batch', options.batch ?? 64);
  const seed = (options.seed ?? 1) >>> 0;
  const count = Math.min(train.count, options.trainLimit ?? train.count);
  const stepsPerEpoch = Math.floor(count / batch);
  if (stepsPerEpoch < 1) throw new Error(`trainClassifier: ${count} training images do not fill one batch of ${batch}`);
  const averageLast = positiveInteger('averageLast', options.averageLast ?? 1);
  if (averageLast > epochs) throw new Error(`trainClassifier: averageLast (${averageLast}) is more than the ${epochs} epochs`);
  const schedule = options.schedule ?? 'exponential';
  if (schedule !== 'exponential' && schedule !== 'cosine') throw new Error(`trainClassifier: schedule must be 'exponential' or 'cosine', got '${String(schedule)}'`);
  const t0 = performance.now();

  const model = (options.model ?? ((s: number) => mnistModel({ seed: s })))(seed);
  const shape = (model.inputShape ?? []).slice(1) as number[];
  const pixels = shape.reduce((a, b) => a * b, 1);
  if (train.images.length < count * pixels) throw new Error(`trainClassifier: the images do not fit the model's input shape [${shape.join(',')}]`);
  const augment = options.augment ? augmentSettings(options.augment) : null;
  if (augment && !(shape.length === 3 && shape[0] === shape[1] && shape[2] === 1)) {
    throw new Error(`trainClassifier: augmentation takes square single-channel images, not [${shape.join(',')}]`);
  }
  model.build(undefined, e);

  const originals = train.images.subarray(0, count * pixels);
  // A variable: augmentation writes each epoch's images into it, where the captured step reads them.
  const images = e.variable(originals, [count, ...shape], { name: 'training_images', trainable: false });
  const labels = e.tensor(train.labels.subarray(0, count), [count], 'int32');
  const batchIndices = e.variable(new Float32Array(batch), [batch], { name: 'batch_indices', trainable: false, dtype: 'int32' });
  const initialLearningRate = options.learningRate ?? 0.003;
  const opt = e.optim.adam({
    learningRate:
      schedule === 'cosine'
        ? e.optim.schedules.cosineDecay({ initialLearningRate, decaySteps: epochs * stepsPerEpoch, alpha: 0.01 })
        : e.optim.schedules.exponentialDecay({ initialLearningRate, decaySteps: stepsPerEpoch, decayRate: options.learningRateDecay ?? 0.75 }),
  });
  const recorder = e.optim.lossRecorder(stepsPerEpoch);
  opt.recordLoss(recorder);
  const loss = () =>
    e.sparseSoftmaxCrossEntropy(applyLogits(model, images.gather(batchIndices), { training: true }), labels.gather(batchIndices));
  const vars = model.trainableWeights;
  const captured = (options.capture ?? true) ? opt.compileStep(loss, vars) : null;
  const step = captured ?? (() => opt.minimize(loss, vars));

  const sums = vars.map((v) => new Float64Array(v.size));
  const random = seededRandom(seed ^ 0x5eed);
  const augmentRandom = seededRandom(seed ^ 0xa0a0);
  const moved = augment ? new Float32Array(count * pixels) : null;
  const epochLosses: number[] = [];
  let trainSeconds = 0;
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const order = permutation(count, random);
      const tEpoch = performance.now();
      if (augment && moved) images.assign(augmentImages(originals, count, shape[0]!, augmentRandom, augment, moved));
      for (let s = 0; s < stepsPerEpoch; s++) {
        batchIndices.assign(Float32Array.from(order.subarray(s * batch, (s + 1) * batch)));
        step().dispose();
        // Steps are only queued; waiting for the GPU now and then keeps progress reports (and
        // the queue) honest. It reads nothing back.
        if ((s + 1) % SYNC_EVERY === 0) await e.flush();
        const last = s === stepsPerEpoch - 1;
        let epochLoss: number | undefined;
        if (last) {
          const losses = await recorder.read({ reset: true });
          epochLoss = losses.reduce((a, b) => a + b, 0) / losses.length;
          epochLosses.push(epochLoss);
          trainSeconds += (performance.now() - tEpoch) / 1000;
        }
        options.onProgress?.({
          epoch,
          epochs,
          step: s + 1,
          stepsPerEpoch,
          ...(epochLoss !== undefined ? { epochLoss } : {}),
          elapsedSeconds: (performance.now() - t0) / 1000,
        });
      }
      if (averageLast > 1 && epoch > epochs - averageLast) await addWeights(sums, vars);
      await options.onEpochEnd?.(epoch, model);
    }
  } catch (err) {
    model.dispose();
    throw err;
  } finally {
    captured?.dispose();
    opt.dispose();
    recorder.dispose();
    e.dispose([images, labels, batchIndices]);
  }
  if (averageLast > 1) vars.forEach((v, k) => v.assign(Float32Array.from(sums[k]!, (x) => x / averageLast)));
  if (options.recalibrateBatchNorm ?? averageLast > 1) {
    try {
      await recalibrateBatchNorm(e, model, originals, count);
    } catch (err) {
      model.dispose();
      throw err;
    }
  }
  const { accuracy } = await evaluateClassifier(e, model, test);
  return { model, testAccuracy: accuracy, epochLosses, steps: epochs * stepsPerEpoch, seconds: (performance.now() - t0) / 1000, trainSeconds };
}

/** Adds the current values of `vars` to `sums` (one readback per variable). */
async function addWeights(sums: Float64Array[], vars: readonly Variable[]): Promise<void> {
  const values = await Promise.all(vars.map((v) => v.data()));
  values.forEach((x, k) => {
    const sum = sums[k]!;
    for (let i = 0; i < x.length; i++) sum[i] = sum[i]! + x[i]!;
  });
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`trainClassifier: ${name} must be a positive integer, got ${value}`);
  return value;
}
