/**
 * One training step of the MNIST CNN of src/workloads/attack (`MNIST_MODEL`: 28x28x1, conv 32 and 64
 * filters, Dense(64), 10 classes) at batch 64 with Adam (lr 0.002): forward in training mode (batch-norm
 * batch statistics, dropout), sparse softmax cross-entropy of the logits, gradients, update. Ours
 * is trainClassifier's step (src/workloads/attack/train.ts): the images live on the device, each
 * step writes the batch's indices into a small variable and the captured step (`opt.compileStep`)
 * gathers its batch; and eagerly, as a user writes it (an index tensor made per step,
 * `opt.minimize` in `e.tidy`, no compile: lazy execution plans it). tfjs gathers its batch by an
 * index tensor made per step and runs `optimizer.minimize` on the twin model. Synthetic digits (512 images, labels 0-9); the same
 * weights on both sides. Losses cannot be compared: the dropout masks differ.
 */
import { applyLogits, MNIST_MODEL, mnistModel } from '../../src/workloads/attack/index.js';
import type { Engine, Tensor } from '../../src/index.js';
import type { BenchCase, Side } from '../case.js';
import { values } from '../inputs.js';
import { classifierWeightValues, type ClassifierSpec } from '../models.js';
import { readFirst, tfReadFirst } from '../sync.js';
import { tfClassifier } from '../tfjs/classifier.js';
import type { Tf, TfTensor } from '../tfjs/load.js';

const spec: ClassifierSpec = { ...MNIST_MODEL, inputShape: [...MNIST_MODEL.inputShape] };
const batch = 64;
const count = 512;
const learningRate = 0.002;
const pixels = 28 * 28;
const images = (): Float32Array => values(count * pixels, 11, 0.5).map((v) => v + 0.5);
const labels = (): Int32Array => Int32Array.from({ length: count }, (_, i) => (i * 7) % 10);
/** The batch of step `s`: a fixed walk over the images, the same for both sides. */
const batchIndices = (s: number): Int32Array => Int32Array.from({ length: batch }, (_, j) => ((s * batch + j) * 37) % count);

let weights: Float32Array[] | undefined;
const weightValues = (): Float32Array[] => (weights ??= classifierWeightValues(spec));

function ours(e: Engine, captured: boolean): Side {
  const model = mnistModel({ seed: 1 }).build(undefined, e);
  model.setWeights(weightValues());
  const x = e.tensor(images(), [count, 28, 28, 1]);
  const y = e.tensor(labels(), [count], 'int32');
  const opt = e.optim.adam({ learningRate });
  const lossOf = (indices: Tensor) => (): Tensor =>
    e.sparseSoftmaxCrossEntropy(applyLogits(model, x.gather(indices), { training: true }), y.gather(indices));
  const indices = captured ? e.variable(new Float32Array(batch), [batch], { name: 'batch_indices', trainable: false, dtype: 'int32' }) : null;
  const compiled = indices ? opt.compileStep(lossOf(indices), model.trainableWeights) : null;
  let s = 0;
  const step = (): Tensor => {
    if (compiled) {
      indices!.assign(Float32Array.from(batchIndices(s++)));
      return compiled();
    }
    const idx = e.tensor(batchIndices(s++), [batch], 'int32');
    const value = e.tidy(() => opt.minimize(lossOf(idx), model.trainableWeights));
    idx.dispose();
    return value;
  };
  return {
    work() {
      const value = step();
      return async () => {
        try {
          return await readFirst(value);
        } finally {
          value.dispose();
        }
      };
    },
    dispose() {
      compiled?.dispose();
      opt.dispose();
      e.dispose([x, y, indices]);
      model.dispose();
    },
  };
}

function tfjs(tf: Tf): Side {
  const net = tfClassifier(tf, spec, weightValues());
  const x = tf.tensor4d(images(), [count, 28, 28, 1]);
  const y = tf.tensor1d(labels(), 'int32');
  const opt = tf.train.adam(learningRate);
  let s = 0;
  return {
    work() {
      const idx = tf.tensor1d(batchIndices(s++), 'int32');
      const loss = (): TfTensor =>
        tf.losses.softmaxCrossEntropy(tf.oneHot(tf.gather(y, idx), spec.classes), net.logits(tf.gather(x, idx), true));
      const value = opt.minimize(loss as () => import('@tensorflow/tfjs-core').Scalar, true, net.trainable)!;
      idx.dispose();
      return async () => {
        try {
          return await tfReadFirst(tf, value);
        } finally {
          value.dispose();
        }
      };
    },
    dispose() {
      opt.dispose();
      tf.dispose([x, y]);
      net.dispose();
    },
  };
}

function trainCase(captured: boolean): BenchCase {
  return {
    id: `mnist-train-step${captured ? '' : '-eager'}`,
    group: 'workload',
    title: `MNIST CNN training step, batch 64, Adam: forward (training mode), cross-entropy, gradients, update; ours ${captured ? 'captured (opt.compileStep)' : 'eager (opt.minimize)'}`,
    unit: 'step',
    reps: 1,
    runs: 7,
    warmup: 3,
    tolerance: null,
    ours: (e) => ours(e, captured),
    tfjs,
  };
}

/** The MNIST training cases: captured, and eager. */
export const mnistTrainCases: BenchCase[] = [trainCase(true), trainCase(false)];
