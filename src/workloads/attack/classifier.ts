/** Loading the MNIST classifier's weights into a fresh model (Node and browsers). */
import type { Engine } from '../../engine.js';
import type { WeightsSource } from '../../io/index.js';
import type { Sequential } from '../../nn/index.js';
import { mnistModel } from './models.js';

/** The shipped weights, relative to the package root. */
export const MNIST_WEIGHTS_FILE = 'assets/mnist_cnn.safetensors';

/**
 * Builds the MNIST model on `e` and loads `source` into it: a safetensors file written by
 * `model.saveWeights()` (such as the shipped `assets/mnist_cnn.safetensors`), as bytes, a
 * Blob/Response, a URL, or a path in Node.
 */
export async function loadMnistClassifier(e: Engine, source: WeightsSource): Promise<Sequential> {
  const model = mnistModel().build(undefined, e);
  try {
    await model.loadWeights(source);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}
