/**
 * The classifiers of src/workloads/attack (the article's 128x128x3 cat/dog CNN and the MNIST CNN)
 * described as weight lists, so both libraries can be given the same deterministic weights:
 * Keras order per layer (Conv2D: kernel, bias; BatchNormalization: gamma, beta, moving_mean,
 * moving_variance; Dense: kernel, bias), as `Sequential.weights` lists them.
 */
import type { ConvClassifierOptions } from '../src/workloads/attack/index.js';
import { sizeOf, values } from './inputs.js';

/** The sizes of a classifier of the article's family. */
export type ClassifierSpec = Pick<ConvClassifierOptions, 'inputShape' | 'filters' | 'units' | 'classes'>;

/** One weight: its Keras name, shape and whether gradients update it. */
export interface WeightInfo {
  name: 'kernel' | 'bias' | 'gamma' | 'beta' | 'moving_mean' | 'moving_variance';
  shape: number[];
  trainable: boolean;
}

/** Every weight of the classifier, in `Sequential.weights` order. */
export function classifierWeights(spec: ClassifierSpec): WeightInfo[] {
  const out: WeightInfo[] = [];
  const bn = (c: number): void => {
    out.push({ name: 'gamma', shape: [c], trainable: true }, { name: 'beta', shape: [c], trainable: true });
    out.push({ name: 'moving_mean', shape: [c], trainable: false }, { name: 'moving_variance', shape: [c], trainable: false });
  };
  let [h, w, c] = spec.inputShape;
  for (const f of spec.filters) {
    out.push({ name: 'kernel', shape: [3, 3, c, f], trainable: true }, { name: 'bias', shape: [f], trainable: true });
    bn(f);
    // 3x3 valid convolution, then 2x2 pooling.
    h = Math.floor((h - 2) / 2);
    w = Math.floor((w - 2) / 2);
    c = f;
  }
  out.push({ name: 'kernel', shape: [h * w * c, spec.units], trainable: true }, { name: 'bias', shape: [spec.units], trainable: true });
  bn(spec.units);
  out.push({ name: 'kernel', shape: [spec.units, spec.classes], trainable: true }, { name: 'bias', shape: [spec.classes], trainable: true });
  return out;
}

/**
 * Deterministic values for each weight: kernels uniform in ±sqrt(6 / (fanIn + fanOut)) (Glorot's
 * range), small biases and offsets, gammas and moving variances near 1, moving means near 0.
 */
export function classifierWeightValues(spec: ClassifierSpec): Float32Array[] {
  return classifierWeights(spec).map((wt, i) => {
    const n = sizeOf(wt.shape);
    if (wt.name === 'kernel') {
      const fanOut = wt.shape[wt.shape.length - 1]!;
      const fanIn = n / fanOut;
      const receptive = wt.shape.length === 4 ? wt.shape[0]! * wt.shape[1]! : 1;
      return values(n, 100 + i, Math.sqrt(6 / (fanIn + fanOut * receptive)));
    }
    const v = values(n, 100 + i, 0.05);
    if (wt.name === 'gamma' || wt.name === 'moving_variance') return v.map((x) => 1 + x);
    return v;
  });
}
