/**
 * `webgpu-descent attack`: the article's third workload, an adversarial attack that nudges input
 * pixels by signed gradient steps until the classifier changes its mind. By default on MNIST
 * digits with the weights the project ships; `--model article` runs the article's own cat/dog
 * attack when given its Keras weights file.
 */
import type { Engine } from '../../engine.js';
import type { Sequential } from '../../nn/index.js';
import {
  attackImages,
  evaluateClassifier,
  MNIST_CLASSES,
  namedAttackImages,
  runArticleAttack,
  runAttack,
  takeDigits,
  type ArticleAttackResult,
  type ArticleClass,
  type AttackResult,
  type MnistSplit,
} from '../../workloads/attack/index.js';
import { loadMnist, loadShippedMnistClassifier, shippedMnistWeightsPath, trainMnist } from '../../workloads/attack/node.js';
import { writeImagesPng } from '../../io/image/png_node.js';
import { PROGRAM, UsageError } from '../args.js';
import { defineCommand } from '../command.js';
import { commonFlags, openEngine, type Output } from '../context.js';
import { num, percent, table } from '../format.js';
import { ProgressBar, withProgress } from '../progress.js';

/** Held-out digits attacked when --images is not given. */
export const ATTACK_DEFAULT_IMAGES = 50;

export const attackCommand = defineCommand(
  {
    name: 'attack',
    summary: 'Adversarial attack: signed-gradient steps on the input pixels until the classifier changes its answer.',
    description:
      'Untargeted: x -= epsilon·sign(∇x log p[true]); with --target K: x -= epsilon·sign(∇x (p[true] - p[K])).\n' +
      'Pixels are clipped to [0, 1] after each step. The classifier is the article\'s architecture scaled to\n' +
      'MNIST digits, with the weights the project ships (assets/mnist_cnn.safetensors); --train retrains it on\n' +
      'the GPU first. Only digits it classifies correctly are attacked. Changes are in 0..255 pixel units.\n' +
      "--model article runs the article's own cat/dog attack on a photo, with its Keras weights file.",
    flags: {
      train: { type: 'boolean', help: 'train a new classifier on the GPU instead of loading the shipped weights' },
      epochs: { type: 'number', integer: true, min: 1, default: 3, help: 'training epochs (with --train)' },
      batch: { type: 'number', integer: true, min: 1, default: 64, help: 'training batch size (with --train)' },
      target: { type: 'number', integer: true, min: 0, valueName: 'K', help: 'targeted attack towards class K (default untargeted)' },
      epsilon: { type: 'number', positive: true, default: 1 / 255, defaultText: '1/255', help: 'step per iteration, in [0, 1] pixel units' },
      iterations: { type: 'number', integer: true, min: 0, default: 4, help: 'signed-gradient steps' },
      images: { type: 'number', integer: true, min: 1, default: ATTACK_DEFAULT_IMAGES, help: 'held-out test digits to attack' },
      out: { type: 'string', valueName: 'DIR', help: 'write before/after/change PNGs of each attacked image there' },
      model: { type: 'string', choices: ['mnist', 'article'], default: 'mnist', help: "'article': the article's 128x128x3 cat/dog classifier" },
      weights: { type: 'string', valueName: 'model.h5', help: "with --model article: the article's Keras weights (model.save_weights)" },
      image: { type: 'string', valueName: 'photo.jpg', help: 'with --model article: the JPEG photo to attack' },
      to: { type: 'string', choices: ['dog', 'cat'], default: 'dog', help: 'with --model article: the class to push the photo towards' },
      seed: { type: 'number', integer: true, min: 0, default: 1, help: 'seed of the weights, dropout and batch order (with --train)' },
      ...commonFlags,
    },
    examples: [
      `${PROGRAM} attack`,
      `${PROGRAM} attack --target 3 --iterations 8 --out adversarial/`,
      `${PROGRAM} attack --train --epochs 1 --json`,
      `${PROGRAM} attack --model article --weights model.h5 --image cat.jpg --to dog`,
    ],
  },
  async (flags, out) => {
    const given = (name: string): boolean => flags.given.has(name);
    const fail = (message: string): never => {
      throw new UsageError(`attack: ${message} (see '${PROGRAM} attack --help')`);
    };
    if (flags.model === 'article') {
      for (const name of ['train', 'epochs', 'batch', 'target', 'images']) if (given(name)) fail(`--${name} does not apply to --model article`);
      if (!flags.image) fail('--model article needs --image photo.jpg (and --weights model.h5)');
    } else {
      for (const name of ['weights', 'image', 'to']) if (given(name)) fail(`--${name} needs --model article`);
      if (!flags.train) for (const name of ['epochs', 'batch']) if (given(name)) fail(`--${name} needs --train`);
      if (flags.target !== undefined && flags.target >= MNIST_CLASSES) fail(`--target must be a digit class 0..${MNIST_CLASSES - 1}, got ${flags.target}`);
    }

    const e = await openEngine(flags.backend, out);
    try {
      if (flags.model === 'article') {
        const result = await withProgress('attack article', 0, () =>
          runArticleAttack(e, {
            ...(flags.weights ? { weightsPath: flags.weights } : {}),
            imagePath: flags.image!,
            to: flags.to as ArticleClass,
            epsilon: flags.epsilon,
            iterations: flags.iterations,
          }), undefined, out.progress);
        if (flags.out) await writeArticleImages(flags.out, result, out);
        if (out.json) {
          const { before, after, predictedBefore, predictedAfter, to, success, meanAbsChange, maxAbsChange } = result;
          out.result({ before, after, predictedBefore, predictedAfter, to, success, meanAbsChange, maxAbsChange });
        } else {
          printArticle(result, out);
        }
        return 0;
      }

      const run = await attackMnist(e, {
        train: flags.train,
        epochs: flags.epochs,
        batch: flags.batch,
        seed: flags.seed,
        images: flags.images,
        epsilon: flags.epsilon,
        iterations: flags.iterations,
        ...(flags.target !== undefined ? { target: flags.target } : {}),
      }, out);
      if (flags.out) {
        const paths = await writeImagesPng(flags.out, namedAttackImages(attackImages(run.result)));
        out.info(`wrote ${paths.length} PNGs to ${flags.out}`);
      }
      if (out.json) {
        const { attacked, flipped, successRate, meanAbsChange, maxAbsChange } = run.result;
        out.result({ testAccuracy: run.testAccuracy, attacked, flipped, successRate, meanAbsChange, maxAbsChange });
      } else {
        printMnist(run, out);
      }
      return 0;
    } finally {
      e.destroy();
    }
  },
);

/** Settings of `attackMnist`. */
export interface MnistAttackSettings {
  train: boolean;
  epochs: number;
  batch: number;
  seed: number;
  images: number;
  epsilon: number;
  iterations: number;
  target?: number;
  /** Measure the accuracy on the first `heldOut` held-out digits only (default all). */
  heldOut?: number;
  /** With `train`: train on the first `trainDigits` training digits only (default all). */
  trainDigits?: number;
}

/** What `attackMnist` returns: the attack and how the classifier was obtained. */
export interface MnistAttackRun {
  result: AttackResult;
  /** Accuracy on all held-out test digits (before any attack). */
  testAccuracy: number;
  heldOut: number;
  /** 'shipped weights (path)' or 'trained: ...'. */
  classifier: string;
}

/**
 * Loads (or trains) the MNIST classifier, measures it on the held-out digits and attacks the
 * first `images` of them, each phase under a progress bar.
 */
export async function attackMnist(e: Engine, s: MnistAttackSettings, out: Output): Promise<MnistAttackRun> {
  const data: MnistSplit = loadMnist();
  let model: Sequential;
  let testAccuracy: number;
  let classifier: string;
  let heldOut = data.test.count;
  if (s.train) {
    let bar: ProgressBar | undefined;
    try {
      const trained = await trainMnist(e, {
        data: {
          train: s.trainDigits === undefined ? data.train : takeDigits(data.train, s.trainDigits),
          test: s.heldOut === undefined ? data.test : takeDigits(data.test, s.heldOut),
        },
        epochs: s.epochs,
        batch: s.batch,
        seed: s.seed,
        onProgress: (p) => {
          bar ??= new ProgressBar(`train ${p.epochs} epoch${p.epochs === 1 ? '' : 's'}`, p.epochs * p.stepsPerEpoch, out.progress);
          bar.update((p.epoch - 1) * p.stepsPerEpoch + p.step, p.epochLoss !== undefined ? `epoch ${p.epoch} loss ${num(p.epochLoss)}` : undefined);
        },
      });
      bar?.finish(`held-out accuracy ${percent(trained.testAccuracy)}`);
      model = trained.model;
      testAccuracy = trained.testAccuracy;
      heldOut = s.heldOut === undefined ? data.test.count : Math.min(s.heldOut, data.test.count);
      classifier = `trained here: ${s.epochs} epoch${s.epochs === 1 ? '' : 's'}, batch ${s.batch}, seed ${s.seed}, ${trained.steps} steps in ${num(trained.trainSeconds, 3)} s`;
    } catch (err) {
      bar?.fail(err instanceof Error ? err.message : String(err));
      throw err;
    }
  } else {
    model = await loadShippedMnistClassifier(e);
    classifier = `shipped weights (${shippedMnistWeightsPath()})`;
    const evaluation = await withProgress(
      'evaluate held-out digits',
      0,
      () => evaluateClassifier(e, model, s.heldOut === undefined ? data.test : takeDigits(data.test, s.heldOut)),
      (r) => `accuracy ${percent(r.accuracy)} of ${r.count}`,
      out.progress,
    );
    testAccuracy = evaluation.accuracy;
    heldOut = evaluation.count;
  }
  try {
    const digits = takeDigits(data.test, s.images);
    const result = await withProgress(
      `attack ${digits.count} digits`,
      s.iterations,
      (bar) =>
        runAttack(e, model, digits.images, digits.labels, {
          epsilon: s.epsilon,
          iterations: s.iterations,
          ...(s.target !== undefined ? { target: s.target } : {}),
          onIteration: (i) => bar.update(i),
        }),
      (r) => `${r.flipped}/${r.attacked} flipped`,
      out.progress,
    );
    return { result, testAccuracy, heldOut, classifier };
  } finally {
    model.dispose();
  }
}

function printMnist(run: MnistAttackRun, out: Output): void {
  const r = run.result;
  out.info(`classifier: ${run.classifier}`);
  out.info(`held-out accuracy: ${percent(run.testAccuracy)} of ${run.heldOut} digits`);
  const kind = r.target === undefined ? 'untargeted (lower log p[true])' : `targeted towards ${r.target} (lower p[true] - p[${r.target}])`;
  out.info(`attack: ${kind}, epsilon ${num(255 * r.epsilon, 3)}/255 per step, ${r.iterations} iterations, on ${r.images} digits`);
  out.info();
  out.info(
    table(
      ['attacked', 'flipped', ...(r.reachedTarget !== undefined ? ['reached target'] : []), 'success', 'mean |change|', 'max |change|'],
      [[
        String(r.attacked),
        String(r.flipped),
        ...(r.reachedTarget !== undefined ? [String(r.reachedTarget)] : []),
        percent(r.successRate),
        `${num(r.meanAbsChange, 3)}/255`,
        `${num(r.maxAbsChange, 3)}/255`,
      ]],
      ['right', 'right', 'right', 'right', 'right', 'right'],
    ),
  );
  const shown = r.perImage.slice(0, 10);
  if (shown.length > 0) {
    out.info();
    out.info(
      table(
        ['digit', 'label', 'before', 'after'],
        shown.map((p) => [
          String(p.index),
          String(p.label),
          `${p.predictedBefore} (p ${num(p.before[p.predictedBefore]!, 3)})`,
          `${p.predictedAfter} (p ${num(p.after[p.predictedAfter]!, 3)})${p.predictedAfter !== p.label ? '  flipped' : ''}`,
        ]),
        ['right', 'right', 'left', 'left'],
      ),
    );
  }
}

function printArticle(r: ArticleAttackResult, out: Output): void {
  out.info(`the article's cat/dog classifier, targeted towards ${r.to}: ${r.iterations} steps of ${num(255 * r.epsilon, 3)}/255`);
  out.info(
    table(
      ['', 'p(cat)', 'p(dog)', 'says'],
      [
        ['before', num(r.before[0], 4), num(r.before[1], 4), r.predictedBefore],
        ['after', num(r.after[0], 4), num(r.after[1], 4), r.predictedAfter],
      ],
      ['left', 'right', 'right', 'left'],
    ),
  );
  out.info(`mean |change| ${num(r.meanAbsChange, 3)}/255, max ${num(r.maxAbsChange, 3)}/255: ${r.success ? `now a ${r.to}` : `still a ${r.predictedAfter}`}`);
}

async function writeArticleImages(dir: string, r: ArticleAttackResult, out: Output): Promise<void> {
  const [height, width] = r.imageShape;
  const paths = await writeImagesPng(dir, [
    { name: 'article_before.png', image: { width, height, channels: 3, data: r.original } },
    { name: `article_after_${r.predictedAfter}.png`, image: { width, height, channels: 3, data: r.adversarial } },
  ]);
  out.info(`wrote ${paths.join(', ')}`);
}
