/**
 * The article's classifier family: blocks of [Conv2D(f, 3x3, relu, valid) -> BatchNormalization ->
 * MaxPooling2D(2x2) -> Dropout(0.25)], then Flatten -> Dense(units, relu) -> BatchNormalization ->
 * Dropout(0.5) -> Dense(classes, softmax). The article's own cat/dog model and the project's MNIST
 * model are two sizes of it.
 */
import { BatchNormalization, Conv2D, Dense, Dropout, Flatten, MaxPooling2D, Sequential } from '../../nn/index.js';

/** Sizes of a classifier of the article's family. */
export interface ConvClassifierOptions {
  /** Input image shape without the batch: [height, width, channels]. */
  inputShape: [number, number, number];
  /** Filters of each conv block, in order. */
  filters: readonly number[];
  /** Units of the hidden Dense layer. */
  units: number;
  /** Number of classes (the softmax width). */
  classes: number;
  /**
   * BatchNormalization's moving-average momentum (Keras' default 0.99). The moving variance starts
   * at 1 and decays towards the batch variance by this factor per step, so a short training run
   * (a few hundred steps) wants a smaller one, or its inference-mode statistics are still mostly
   * the initial values.
   */
  batchNormMomentum?: number;
  /** Seeds the initialisers and dropout masks (default 0). */
  seed?: number;
  /** The model's name (default 'sequential'). */
  name?: string;
}

/**
 * Builds (without an engine) a classifier of the article's family. Layers get the names a fresh
 * Keras session gives them (conv2d, batch_normalization, ..., conv2d_1, ..., dense_1), whatever
 * other models exist, so safetensors keys (`conv2d/kernel`) and summaries are always the same.
 */
export function convClassifier(options: ConvClassifierOptions): Sequential {
  const counts = new Map<string, number>();
  const name = (base: string): string => {
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    return n === 0 ? base : `${base}_${n}`;
  };
  const model = new Sequential([], { seed: options.seed ?? 0, name: options.name ?? 'sequential' });
  const momentum = options.batchNormMomentum ?? 0.99;
  options.filters.forEach((filters, i) => {
    const first = i === 0 ? { inputShape: options.inputShape } : {};
    model.add(new Conv2D({ filters, kernelSize: 3, activation: 'relu', name: name('conv2d'), ...first }));
    model.add(new BatchNormalization({ momentum, name: name('batch_normalization') }));
    model.add(new MaxPooling2D({ poolSize: 2, name: name('max_pooling2d') }));
    model.add(new Dropout({ rate: 0.25, name: name('dropout') }));
  });
  model.add(new Flatten({ name: name('flatten') }));
  model.add(new Dense({ units: options.units, activation: 'relu', name: name('dense') }));
  model.add(new BatchNormalization({ momentum, name: name('batch_normalization') }));
  model.add(new Dropout({ rate: 0.5, name: name('dropout') }));
  model.add(new Dense({ units: options.classes, activation: 'softmax', name: name('dense') }));
  return model;
}

/**
 * Sizes of the project's MNIST classifier: 28x28x1 digits, two blocks of 32 and 64 filters,
 * Dense(64), 10 classes (126k parameters, a 0.5 MB float32 file); batch-norm momentum 0.9, because
 * it trains for only a few hundred steps (with Keras' 0.99 the moving variance after 500 steps is
 * still a quarter too large, and inference-mode accuracy suffers).
 */
export const MNIST_MODEL = { inputShape: [28, 28, 1], filters: [32, 64], units: 64, classes: 10, batchNormMomentum: 0.9 } as const satisfies Omit<ConvClassifierOptions, 'seed' | 'name'>;

/** The article's cat/dog classifier: 128x128x3 images, blocks of 32, 64 and 128 filters, Dense(512), 2 classes (12,942,786 parameters). */
export const ARTICLE_MODEL = { inputShape: [128, 128, 3], filters: [32, 64, 128], units: 512, classes: 2 } as const satisfies Omit<ConvClassifierOptions, 'seed' | 'name'>;

/** The project's MNIST classifier (see `MNIST_MODEL`), built without an engine. */
export function mnistModel(options: { seed?: number } = {}): Sequential {
  return convClassifier({ ...MNIST_MODEL, inputShape: [...MNIST_MODEL.inputShape], seed: options.seed ?? 0, name: 'mnist_cnn' });
}

/** The article's cat/dog classifier (see `ARTICLE_MODEL`), built without an engine. */
export function articleModel(options: { seed?: number } = {}): Sequential {
  return convClassifier({ ...ARTICLE_MODEL, inputShape: [...ARTICLE_MODEL.inputShape], seed: options.seed ?? 0 });
}
