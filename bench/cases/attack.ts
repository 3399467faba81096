/**
 * One iteration of the article's attack: the gradient of p[a] − p[b] with respect to the input
 * image (the classifier in inference mode), a signed step of 1/255 against it, a clip to [0, 1],
 * fed its own output the next time. On the article's 128x128x3 cat/dog CNN (12.9M parameters) and
 * on the MNIST CNN (28x28x1), batch 1. Ours: the workload's captured step (`attackStep` of
 * src/workloads/attack, objective 'probability'), and the same iteration written eagerly as a user
 * writes it (`inputGradient` in `e.tidy`, no compile: lazy execution plans it). tfjs: `tf.grad` of
 * the same objective through the twin model (tfjs/classifier.ts), on its WebGPU backend and (the
 * article CNN) on its WASM backend. Both get the same weights.
 */
import { ARTICLE_MODEL, MNIST_MODEL, attackStep, convClassifier, inputGradient, mnistModel } from '../../src/workloads/attack/index.js';
import type { Engine, Tensor } from '../../src/index.js';
import type { BenchCase, Reference, Side } from '../case.js';
import { values } from '../inputs.js';
import { classifierWeightValues, type ClassifierSpec } from '../models.js';
import { readFirst, tfReadFirst } from '../sync.js';
import { tfClassifier } from '../tfjs/classifier.js';
import type { Tf, TfTensor } from '../tfjs/load.js';

const epsilon = 1 / 255;

/** A classifier of the article's family, and how to build ours. */
interface Subject {
  name: 'article' | 'mnist';
  spec: ClassifierSpec;
  build: (e: Engine) => ReturnType<ReturnType<typeof convClassifier>['build']>;
  /** p[first] − p[second]: the article's objective for pushing one class towards another. */
  mask: number[];
  title: string;
  references: Reference[];
}

const articleSpec: ClassifierSpec = { ...ARTICLE_MODEL, inputShape: [...ARTICLE_MODEL.inputShape] };
const mnistSpec: ClassifierSpec = { ...MNIST_MODEL, inputShape: [...MNIST_MODEL.inputShape] };

const subjects: Subject[] = [
  {
    name: 'article',
    spec: articleSpec,
    build: (e) => convClassifier({ ...articleSpec, seed: 0 }).build(undefined, e),
    mask: [1, -1],
    title: 'the article CNN (128x128x3, 12.9M parameters)',
    references: ['webgpu', 'wasm'],
  },
  {
    name: 'mnist',
    spec: mnistSpec,
    build: (e) => mnistModel({ seed: 0 }).build(undefined, e),
    mask: Array.from({ length: mnistSpec.classes }, (_, k) => (k === 3 ? 1 : k === 5 ? -1 : 0)),
    title: 'the MNIST CNN (28x28x1)',
    references: ['webgpu'],
  },
];

const weightCache = new Map<string, Float32Array[]>();
const weightValues = (s: Subject): Float32Array[] => {
  let w = weightCache.get(s.name);
  if (!w) weightCache.set(s.name, (w = classifierWeightValues(s.spec)));
  return w;
};
const imageShape = (s: Subject): number[] => [1, ...s.spec.inputShape];
/** A stand-in image: pixels in [0, 1]. */
const image = (s: Subject): Float32Array => values(imageShape(s).reduce((a, b) => a * b, 1), 9, 0.5).map((v) => v + 0.5);

/** Iterations per timed run: `work()` queues them all (the runner divides its time by them). */
const repsOf = (s: Subject): number => (s.name === 'mnist' ? 5 : 1);

function ours(e: Engine, s: Subject, captured: boolean): Side {
  const model = s.build(e);
  model.setWeights(weightValues(s));
  const mask = e.tensor(s.mask, [1, s.mask.length]);
  const compiled = captured ? attackStep(e, model, { epsilon, objective: 'probability' }) : null;
  // The same iteration as a user's loop writes it: no compile.
  const eager = (x: Tensor, m: Tensor): Tensor =>
    e.tidy(() => {
      const grad = inputGradient(e, model, x, m, 'probability');
      return x.sub(grad.sign().mul(epsilon)).clip(0, 1);
    });
  const step = compiled ?? eager;
  let x: Tensor = e.tensor(image(s), imageShape(s));
  return {
    work() {
      for (let r = 0; r < repsOf(s); r++) {
        const next = step(x, mask);
        x.dispose();
        x = next;
      }
      return () => readFirst(x);
    },
    dispose() {
      compiled?.dispose();
      e.dispose([mask, x]);
      model.dispose();
    },
  };
}

function tfjs(tf: Tf, s: Subject): Side {
  const net = tfClassifier(tf, s.spec, weightValues(s));
  const mask = tf.tensor2d(s.mask, [1, s.mask.length]);
  const objective = (x: TfTensor): TfTensor => tf.sum(tf.mul(tf.softmax(net.logits(x, false)), mask));
  const gradient = tf.grad(objective);
  let x: TfTensor = tf.tensor(image(s), imageShape(s));
  return {
    work() {
      for (let r = 0; r < repsOf(s); r++) {
        const next = tf.tidy(() => tf.clipByValue(tf.sub(x, tf.mul(tf.sign(gradient(x)), epsilon)), 0, 1));
        x.dispose();
        x = next;
      }
      return () => tfReadFirst(tf, x);
    },
    dispose() {
      tf.dispose([mask, x]);
      net.dispose();
    },
  };
}

function attackCase(s: Subject, captured: boolean): BenchCase {
  return {
    id: `attack-${s.name}${captured ? '' : '-eager'}`,
    group: 'workload',
    title: `attack iteration on ${s.title}: forward, gradient w.r.t. the input, sign step, clip; ours ${captured ? 'captured (attackStep)' : 'eager (no compile)'}`,
    unit: 'iteration',
    reps: repsOf(s),
    runs: s.name === 'mnist' ? 9 : 5,
    warmup: 3,
    references: s.references,
    tolerance: 1e-4,
    ours: (e) => ours(e, s, captured),
    tfjs: (tf) => tfjs(tf, s),
  };
}

/** The attack cases: each classifier, captured and eager. */
export const attackCases: BenchCase[] = subjects.flatMap((s) => [attackCase(s, true), attackCase(s, false)]);
