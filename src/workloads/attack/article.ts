/**
 * The article's own attack: its Keras cat/dog classifier (128x128x3 input; see ARTICLE_MODEL),
 * its weights-only HDF5 file, a photo resized to 128x128 and divided by 256 as the article does,
 * and a targeted attack that lowers p[from] - p[to] until the photo reads as the other animal.
 * Class order: cat = 0, dog = 1 — the alphabetical order Keras' `flow_from_dataframe` /
 * `flow_from_directory` give the 'cat' and 'dog' categories the article's classifier was trained on.
 */
import type { Engine } from '../../engine.js';
import { readBytes, type WeightsSource } from '../../io/index.js';
import { decodeJpeg } from '../../io/image/jpeg.js';
import { resizeBilinear } from '../../io/image/resize.js';
import { attackBatch, predictProbabilities } from './attack_batch.js';
import { ARTICLE_MODEL, articleModel, convClassifier } from './models.js';

/** The article's classes, in its classifier's output order. */
export const ARTICLE_CLASSES = ['cat', 'dog'] as const;
/** One of the article's classes. */
export type ArticleClass = (typeof ARTICLE_CLASSES)[number];

/** Options of `runArticleAttack`. */
export interface ArticleAttackOptions {
  /** The article's Keras weights (`model.save_weights('model.h5')`): a path in Node, a URL, or bytes. */
  weightsPath?: WeightsSource;
  /** The photo to attack: a JPEG file (path in Node, URL, or bytes). */
  imagePath: WeightsSource;
  /** The class to push the photo towards (default 'dog'). */
  to?: ArticleClass;
  /** Step size per iteration in [0, 1] pixel units (default 1/255). */
  epsilon?: number;
  /** Number of steps (default 4). */
  iterations?: number;
  /**
   * Conv filters and Dense units of a smaller twin of the article's classifier (same 128x128x3
   * input and layer order), for weight files of such a twin; default the article's [32, 64, 128]
   * and 512.
   */
  architecture?: { filters: readonly number[]; units: number };
}

/** What `runArticleAttack` returns. */
export interface ArticleAttackResult {
  /** [p(cat), p(dog)] before and after the attack. */
  before: [number, number];
  after: [number, number];
  predictedBefore: ArticleClass;
  predictedAfter: ArticleClass;
  to: ArticleClass;
  /** Whether the classifier now says `to`. */
  success: boolean;
  /** Mean and largest |adversarial - original| pixel change, in 0..255 units. */
  meanAbsChange: number;
  maxAbsChange: number;
  /** The model's input before and after (128x128x3, HWC, photo bytes / 256). */
  original: Float32Array;
  adversarial: Float32Array;
  imageShape: [number, number, number];
  epsilon: number;
  iterations: number;
  attackSeconds: number;
}

/** How to obtain the weights, for error messages. */
const HOW_TO_GET_WEIGHTS =
  "It is the file the article's Keras training script writes with model.save_weights('model.h5') (TF 2.x Keras, weights-only HDF5) " +
  'for its classifier: 128x128x3 input, three blocks of Conv2D(32/64/128, 3x3, relu) -> BatchNormalization -> MaxPooling2D -> Dropout, ' +
  'then Flatten -> Dense(512, relu) -> BatchNormalization -> Dropout -> Dense(2, softmax), 12,942,786 parameters. ' +
  'The project cannot download it: train that model with Keras, save its weights, and pass the file.';

/** The photo as the article feeds it to the classifier: RGB, resized to 128x128 (bilinear), divided by 256. */
export function articleInput(jpeg: Uint8Array): Float32Array {
  const [height, width] = ARTICLE_MODEL.inputShape;
  const pixels = resizeBilinear(decodeJpeg(jpeg), width, height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = pixels[i]! / 256;
  return pixels;
}

/**
 * Builds the article's classifier on `e`, loads its Keras HDF5 weights by layer order, and runs
 * the targeted attack on the photo. Throws a message saying what is missing and how to make it
 * when the weights file is not given or not found.
 */
export async function runArticleAttack(e: Engine, options: ArticleAttackOptions): Promise<ArticleAttackResult> {
  const to = options.to ?? 'dog';
  const toIndex = ARTICLE_CLASSES.indexOf(to);
  if (toIndex < 0) throw new Error(`runArticleAttack: 'to' must be 'cat' or 'dog', got ${JSON.stringify(to)}`);
  const fromIndex = 1 - toIndex;
  const epsilon = options.epsilon ?? 1 / 255;
  const iterations = options.iterations ?? 4;
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw new Error(`runArticleAttack: epsilon must be a positive number, got ${epsilon}`);
  if (!Number.isInteger(iterations) || iterations < 0) throw new Error(`runArticleAttack: iterations must be a non-negative integer, got ${iterations}`);
  if (options.weightsPath === undefined) {
    throw new Error(`runArticleAttack: the article's classifier weights are missing (no weights file given). ${HOW_TO_GET_WEIGHTS}`);
  }
  const weights = await readOrExplain(options.weightsPath, 'weights file', HOW_TO_GET_WEIGHTS);
  const photo = await readOrExplain(options.imagePath, 'photo', 'Pass a JPEG photo of a cat or a dog.');

  const original = articleInput(photo);
  const imageShape: [number, number, number] = [...ARTICLE_MODEL.inputShape];
  const model = (options.architecture ? convClassifier({ ...ARTICLE_MODEL, inputShape: imageShape, ...options.architecture }) : articleModel()).build(undefined, e);
  try {
    await model.loadWeights(weights);
    const before = await predictProbabilities(e, model, original, [1, ...imageShape]);
    // The article's objective: p[from] - p[to], lowered.
    const mask = new Float32Array(2);
    mask[fromIndex] = 1;
    mask[toIndex] = -1;
    const { adversarial, seconds } = await attackBatch(e, model, original, mask, 1, { epsilon, iterations, objective: 'probability' });
    const after = await predictProbabilities(e, model, adversarial, [1, ...imageShape]);
    let sum = 0;
    let max = 0;
    for (let i = 0; i < original.length; i++) {
      const d = Math.abs(adversarial[i]! - original[i]!);
      sum += d;
      max = Math.max(max, d);
    }
    const label = (p: Float32Array): ArticleClass => (p[1]! > p[0]! ? 'dog' : 'cat');
    return {
      before: [before[0]!, before[1]!],
      after: [after[0]!, after[1]!],
      predictedBefore: label(before),
      predictedAfter: label(after),
      to,
      success: label(after) === to,
      meanAbsChange: (255 * sum) / original.length,
      maxAbsChange: 255 * max,
      original,
      adversarial,
      imageShape,
      epsilon,
      iterations,
      attackSeconds: seconds,
    };
  } finally {
    model.dispose();
  }
}

/** Reads a source; a missing file becomes an error naming it and saying what it should be. */
async function readOrExplain(source: WeightsSource, what: string, how: string): Promise<Uint8Array> {
  try {
    return await readBytes(source);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const name = typeof source === 'string' || source instanceof URL ? `'${String(source)}'` : 'the given source';
    if (code === 'ENOENT') throw new Error(`runArticleAttack: the ${what} ${name} does not exist. ${how}`);
    throw new Error(`runArticleAttack: the ${what} ${name} could not be read (${err instanceof Error ? err.message : String(err)}). ${how}`);
  }
}
