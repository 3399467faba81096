/**
 * The TensorFlow.js twin of src/workloads/attack's classifier family (models.ts): blocks of
 * Conv2D(3x3, relu) -> BatchNormalization -> MaxPooling2D(2) -> Dropout(0.25), then Flatten ->
 * Dense(relu) -> BatchNormalization -> Dropout(0.5) -> Dense (logits; the softmax is left to the
 * loss, as applyLogits does). Written as tfjs-layers runs these layers: fused conv2d and matMul
 * with bias and activation, tf.batchNorm with the moving statistics in inference and the batch
 * moments in training (moving averages updated, momentum 0.99, epsilon 1e-3, Keras' defaults).
 */
import type { ClassifierSpec } from '../models.js';
import { classifierWeights } from '../models.js';
import { tfVariable, type Tf, type TfTensor } from './load.js';

type Variable = import('@tensorflow/tfjs-core').Variable;

/** A classifier's variables on tfjs and its forward pass. */
export interface TfClassifier {
  /** Logits [N, classes]. `training`: batch statistics and active dropout. */
  logits(x: TfTensor, training: boolean): TfTensor;
  /** The variables gradients update (kernels, biases, gammas, betas). */
  trainable: Variable[];
  dispose(): void;
}

const epsilon = 1e-3;
const momentum = 0.99;
let models = 0;

/** Builds the twin with the given weight values (in `classifierWeights` order). */
export function tfClassifier(tf: Tf, spec: ClassifierSpec, weightValues: readonly Float32Array[]): TfClassifier {
  const infos = classifierWeights(spec);
  const prefix = `bench_classifier_${models++}`;
  const vars = infos.map((w, i) => tfVariable(tf, weightValues[i]!, w.shape, `${prefix}/${i}_${w.name}`, w.trainable));
  let next = 0;
  const take = (): Variable => vars[next++]!;
  // The layers in order, each with its variables.
  const convs = spec.filters.map(() => ({ kernel: take(), bias: take(), bn: { gamma: take(), beta: take(), mean: take(), variance: take() } }));
  const dense = { kernel: take(), bias: take(), bn: { gamma: take(), beta: take(), mean: take(), variance: take() } };
  const out = { kernel: take(), bias: take() };

  const batchNorm = (h: TfTensor, bn: typeof dense.bn, training: boolean): TfTensor => {
    if (!training) return tf.batchNorm(h, bn.mean, bn.variance, bn.beta, bn.gamma, epsilon);
    const axes = h.shape.map((_, i) => i).slice(0, -1);
    const { mean, variance } = tf.moments(h, axes);
    bn.mean.assign(tf.add(tf.mul(bn.mean, momentum), tf.mul(mean, 1 - momentum)));
    bn.variance.assign(tf.add(tf.mul(bn.variance, momentum), tf.mul(variance, 1 - momentum)));
    return tf.batchNorm(h, mean, variance, bn.beta, bn.gamma, epsilon);
  };

  return {
    logits(x, training) {
      let h = x as import('@tensorflow/tfjs-core').Tensor4D;
      for (const c of convs) {
        h = tf.fused.conv2d({ x: h, filter: c.kernel as never, strides: 1, pad: 'valid', bias: c.bias, activation: 'relu' });
        h = batchNorm(h, c.bn, training) as typeof h;
        h = tf.maxPool(h, 2, 2, 'valid');
        if (training) h = tf.dropout(h, 0.25) as typeof h;
      }
      let f: import('@tensorflow/tfjs-core').Tensor2D = tf.reshape(h, [h.shape[0], -1]);
      f = tf.fused.matMul({ a: f, b: dense.kernel as never, bias: dense.bias, activation: 'relu' }) as typeof f;
      f = batchNorm(f, dense.bn, training) as typeof f;
      if (training) f = tf.dropout(f, 0.5) as typeof f;
      return tf.fused.matMul({ a: f, b: out.kernel as never, bias: out.bias }) as TfTensor;
    },
    trainable: vars.filter((v, i) => infos[i]!.trainable),
    dispose: () => tf.dispose(vars),
  };
}
