/**
 * One iteration of the article's attack on its 128x128x3 cat/dog CNN (12.9M parameters, inference
 * mode): the gradient of p[cat] − p[dog] with respect to the input image, a signed step of 1/255
 * against it, a clip to [0, 1]. Ours: the workload's captured step (`attackStep` of
 * src/workloads/attack, objective 'probability'), fed its own output as attackBatch does. tfjs:
 * `tf.grad` of the same objective through the twin model (tfjs/classifier.ts), on its WebGPU
 * backend and on its WASM backend (the second reference). Both get the same weights.
 */
import { ARTICLE_MODEL, attackStep, convClassifier } from '../../src/workloads/attack/index.js';
import type { Engine, Tensor } from '../../src/index.js';
import type { BenchCase, Side } from '../case.js';
import { values } from '../inputs.js';
import { classifierWeightValues, type ClassifierSpec } from '../models.js';
import { readFirst, tfReadFirst } from '../sync.js';
import { tfClassifier } from '../tfjs/classifier.js';
import type { Tf, TfTensor } from '../tfjs/load.js';

const spec: ClassifierSpec = { ...ARTICLE_MODEL, inputShape: [...ARTICLE_MODEL.inputShape] };
const imageShape = [1, ...spec.inputShape];
const epsilon = 1 / 255;
/** p[cat] − p[dog]: the article's objective for pushing a cat photo towards 'dog'. */
const maskValues = [1, -1];
/** A stand-in photo: pixels in [0, 1]. */
const image = (): Float32Array => values(imageShape.reduce((a, b) => a * b, 1), 9, 0.5).map((v) => v + 0.5);

let weights: Float32Array[] | undefined;
const weightValues = (): Float32Array[] => (weights ??= classifierWeightValues(spec));

function ours(e: Engine): Side {
  const model = convClassifier({ ...spec, seed: 0 }).build(undefined, e);
  model.setWeights(weightValues());
  const step = attackStep(e, model, { epsilon, objective: 'probability' });
  const mask = e.tensor(maskValues, [1, 2]);
  let x: Tensor = e.tensor(image(), imageShape);
  return {
    work() {
      const next = step(x, mask);
      x.dispose();
      x = next;
      return () => readFirst(x);
    },
    dispose() {
      step.dispose();
      e.dispose([mask, x]);
      model.dispose();
    },
  };
}

function tfjs(tf: Tf): Side {
  const net = tfClassifier(tf, spec, weightValues());
  const mask = tf.tensor2d(maskValues, [1, 2]);
  const objective = (x: TfTensor): TfTensor => tf.sum(tf.mul(tf.softmax(net.logits(x, false)), mask));
  const gradient = tf.grad(objective);
  let x: TfTensor = tf.tensor(image(), imageShape);
  return {
    work() {
      const next = tf.tidy(() => tf.clipByValue(tf.sub(x, tf.mul(tf.sign(gradient(x)), epsilon)), 0, 1));
      x.dispose();
      x = next;
      return () => tfReadFirst(tf, x);
    },
    dispose() {
      tf.dispose([mask, x]);
      net.dispose();
    },
  };
}

/** The attack case. */
export const attackCases: BenchCase[] = [
  {
    id: 'attack-article',
    group: 'workload',
    title: 'attack iteration on the article CNN (128x128x3, 12.9M parameters): forward, gradient w.r.t. the input, sign step, clip',
    unit: 'iteration',
    reps: 1,
    runs: 5,
    warmup: 2,
    references: ['webgpu', 'wasm'],
    tolerance: 1e-4,
    ours,
    tfjs,
  },
];
