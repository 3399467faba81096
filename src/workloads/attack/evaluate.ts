/** Inference over a labelled image set in batches: predicted classes and accuracy. */
import type { Engine } from '../../engine.js';
import type { Sequential } from '../../nn/index.js';

/** Images and their labels, as `MnistSet` holds them. */
export interface LabelledImages {
  /** `count` images in NHWC order, each of the model's input shape. */
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

/** What `evaluateClassifier` returns. */
export interface Evaluation {
  /** Fraction of the images whose most probable class is their label. */
  accuracy: number;
  correct: number;
  count: number;
  /** The predicted class of each image. */
  predictions: Int32Array;
}

/**
 * Runs `model` in inference mode (moving statistics, no dropout) over `set` in batches of `batch`
 * images (default 250) and compares the arg-max class with the labels: one readback per batch.
 */
export async function evaluateClassifier(e: Engine, model: Sequential, set: LabelledImages, options: { batch?: number } = {}): Promise<Evaluation> {
  const batch = options.batch ?? 250;
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`evaluateClassifier: batch must be a positive integer, got ${batch}`);
  const pixels = set.count === 0 ? 0 : set.images.length / set.count;
  const shape = (model.inputShape ?? []).slice(1) as number[];
  if (shape.length === 0 || shape.reduce((a, b) => a * b, 1) !== pixels) {
    throw new Error(`evaluateClassifier: images of ${pixels} values do not fit the model's input shape [${shape.join(',')}]`);
  }
  const predictions = new Int32Array(set.count);
  for (let start = 0; start < set.count; start += batch) {
    const n = Math.min(batch, set.count - start);
    const classes = e.tidy(() => {
      const x = e.tensor(set.images.subarray(start * pixels, (start + n) * pixels), [n, ...shape]);
      return model.apply(x, { training: false }).argmax(-1);
    });
    predictions.set(Int32Array.from(await classes.data()), start);
    classes.dispose();
  }
  let correct = 0;
  for (let i = 0; i < set.count; i++) if (predictions[i] === set.labels[i]) correct++;
  return { accuracy: set.count === 0 ? 0 : correct / set.count, correct, count: set.count, predictions };
}
