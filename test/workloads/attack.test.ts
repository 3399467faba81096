import { inflateSync } from 'node:zlib';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attackMnist } from '../../src/cli/commands/attack.js';
import { Output } from '../../src/cli/context.js';
import type { Engine, Sequential } from '../../src/index.js';
import {
  articleInput,
  attackImages,
  attackStep,
  convClassifier,
  evaluateClassifier,
  inputGradient,
  loadMnistClassifier,
  namedAttackImages,
  runArticleAttack,
  runAttack,
  splitMnist,
  takeDigits,
  trainClassifier,
  ARTICLE_MODEL,
  MNIST_PIXELS,
  type MnistSplit,
} from '../../src/workloads/attack/index.js';
import { loadMnist, loadMnistPerClass, shippedMnistWeightsPath } from '../../src/workloads/attack/node.js';
import { adler32, crc32, encodePng, PNG_SIGNATURE, resizeBilinear } from '../../src/io/image/index.js';
import { writeImagesPng } from '../../src/io/image/png_node.js';
import { cpuEngine, gpuEngine, gpuEngineOrNull, hasWebGpu } from '../helpers/engines.js';
import { rng } from '../helpers/random.js';
import { writeKerasH5 } from '../io/keras_h5_writer.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The chunks of a PNG file, their CRCs checked. */
function pngChunks(png: Uint8Array): { type: string; data: Uint8Array }[] {
  expect(Array.from(png.subarray(0, 8))).toEqual(Array.from(PNG_SIGNATURE));
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: { type: string; data: Uint8Array }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    expect(view.getUint32(at + 8 + length)).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
    chunks.push({ type, data });
    at += 12 + length;
  }
  return chunks;
}

/** Decodes what encodePng writes (filter type 0 scanlines) with node:zlib. */
function decodePng(png: Uint8Array): { width: number; height: number; colorType: number; pixels: Uint8Array } {
  const chunks = pngChunks(png);
  expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
  const ihdr = new DataView(chunks[0]!.data.buffer, chunks[0]!.data.byteOffset, 13);
  const width = ihdr.getUint32(0);
  const height = ihdr.getUint32(4);
  expect(chunks[0]!.data[8]).toBe(8);
  const colorType = chunks[0]!.data[9]!;
  const channels = colorType === 0 ? 1 : 3;
  const raw = new Uint8Array(inflateSync(chunks[1]!.data));
  expect(raw.length).toBe(height * (width * channels + 1));
  const pixels = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * channels + 1)]).toBe(0);
    pixels.set(raw.subarray(y * (width * channels + 1) + 1, (y + 1) * (width * channels + 1)), y * width * channels);
  }
  return { width, height, colorType, pixels };
}

describe('image utilities', () => {
  it('crc32 and adler32 give the reference check values', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(adler32(ascii('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(new Uint8Array(100_000).fill(255))).toBe(adler32Reference(new Uint8Array(100_000).fill(255)));
  });

  it('encodes greyscale and RGB PNGs that inflate back to the pixels (several stored blocks)', () => {
    const r = rng(5);
    const grey = Uint8Array.from({ length: 28 * 28 }, () => Math.floor(256 * r()));
    const g = decodePng(encodePng({ width: 28, height: 28, channels: 1, data: grey }));
    expect([g.width, g.height, g.colorType]).toEqual([28, 28, 0]);
    expect(g.pixels).toEqual(grey);
    // 131 x 200 RGB: 78,800 bytes of scanlines, past one 65,535-byte stored block.
    const rgb = Uint8Array.from({ length: 131 * 200 * 3 }, () => Math.floor(256 * r()));
    const c = decodePng(encodePng({ width: 131, height: 200, channels: 3, data: rgb }));
    expect([c.width, c.height, c.colorType]).toEqual([131, 200, 2]);
    expect(c.pixels).toEqual(rgb);
    // Floats are pixel values in [0, 1], clamped.
    const f = decodePng(encodePng({ width: 3, height: 1, channels: 1, data: Float32Array.of(-0.5, 0.5, 2) }));
    expect(Array.from(f.pixels)).toEqual([0, 128, 255]);
    expect(() => encodePng({ width: 2, height: 2, channels: 1, data: new Uint8Array(3) })).toThrow(/3 values do not fill 2x2x1/);
  });

  it('resizes bilinearly with half-pixel centres', () => {
    const img = { width: 2, height: 1, channels: 1 as const, data: Uint8Array.of(0, 100) };
    expect(Array.from(resizeBilinear(img, 4, 1))).toEqual([0, 25, 75, 100]);
    expect(Array.from(resizeBilinear(img, 1, 1))).toEqual([50]);
  });
});

/** zlib's definition, the slow way. */
function adler32Reference(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const x of bytes) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

describe('MNIST digits', () => {
  it('splits the mnist package deterministically: the last 15% of each class is held out', () => {
    const perClass = loadMnistPerClass();
    const split = loadMnist();
    const total = perClass.reduce((n, c) => n + c.length / MNIST_PIXELS, 0);
    expect(split.train.count + split.test.count).toBe(total);
    expect(split.test.count).toBeGreaterThan(0.14 * total);
    expect(split.test.count).toBeLessThan(0.16 * total);
    // Interleaved classes: any prefix is balanced.
    expect(Array.from(split.test.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    // The first test digit of class 3 is class 3's digit number n - round(0.15 n).
    const n3 = perClass[3]!.length / MNIST_PIXELS;
    const first = (n3 - Math.round(0.15 * n3)) * MNIST_PIXELS;
    expect(Array.from(split.test.images.subarray(3 * MNIST_PIXELS, 4 * MNIST_PIXELS))).toEqual(
      Array.from(Float32Array.from(perClass[3]!.slice(first, first + MNIST_PIXELS))),
    );
    expect(Math.min(...split.train.images.subarray(0, 5000))).toBeGreaterThanOrEqual(0);
    expect(Math.max(...split.train.images.subarray(0, 5000))).toBeLessThanOrEqual(1);
    expect(loadMnist().test.labels).toEqual(split.test.labels);
    expect(() => splitMnist(perClass.slice(0, 9))).toThrow(/expected 10 classes, got 9/);
  });
});

describe.skipIf(!(await hasWebGpu()))('the MNIST classifier and the attack on WebGPU', () => {
  let e: Engine;
  let model: Sequential;
  let data: MnistSplit;

  beforeAll(async () => {
    e = await gpuEngine();
    data = loadMnist();
    model = await loadMnistClassifier(e, shippedMnistWeightsPath());
  });
  afterAll(() => model?.dispose());

  it('the shipped weights reach at least 99% on the held-out digits', async () => {
    const { accuracy, count } = await evaluateClassifier(e, model, data.test);
    expect(count).toBe(data.test.count);
    expect(accuracy).toBeGreaterThanOrEqual(0.99);
  });

  it('a stronger attack flips most digits while the change stays within epsilon x iterations', async () => {
    const digits = takeDigits(data.test, 34);
    const epsilon = 0.02;
    const iterations = 10;
    const result = await runAttack(e, model, digits.images, digits.labels, { epsilon, iterations });
    expect(result.attacked).toBeGreaterThanOrEqual(32);
    expect(result.successRate).toBeGreaterThanOrEqual(0.8);
    expect(result.flipped).toBe(result.perImage.filter((r) => r.predictedAfter !== r.label).length);
    expect(result.maxAbsChange).toBeLessThanOrEqual(255 * epsilon * iterations + 1e-3);
    expect(result.maxAbsChange).toBeGreaterThan(0);
    expect(result.meanAbsChange).toBeLessThan(result.maxAbsChange);
    expect(Math.min(...result.adversarial)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...result.adversarial)).toBeLessThanOrEqual(1);
  });

  it('the default attack (epsilon 1/255, 4 iterations) runs and lowers p[true]', async () => {
    const digits = takeDigits(data.test, 32);
    const result = await runAttack(e, model, digits.images, digits.labels);
    expect(result.epsilon).toBeCloseTo(1 / 255, 10);
    expect(result.iterations).toBe(4);
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(result.attacked).toBe(Math.round(result.testAccuracy * 32));
    expect(result.perImage.every((r) => r.predictedBefore === r.label)).toBe(true);
    expect(result.maxAbsChange).toBeLessThanOrEqual(4 + 1e-3);
    expect(result.meanAbsChange).toBeGreaterThan(0.1);
    expect(result.successRate).toBeGreaterThanOrEqual(0);
    expect(result.successRate).toBeLessThanOrEqual(1);
    for (const r of result.perImage) {
      expect(r.before.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      expect(r.after.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    }
    const lowered = result.perImage.filter((r) => r.after[r.label]! < r.before[r.label]!).length;
    expect(lowered).toBeGreaterThanOrEqual(0.9 * result.attacked);

    // Before/after/change images as PNG files.
    const dir = mkdtempSync(join(tmpdir(), 'attack-png-'));
    try {
      const sets = attackImages(result, { scale: 2, limit: 2 });
      const paths = await writeImagesPng(dir, namedAttackImages(sets));
      expect(paths.length).toBe(6);
      const png = decodePng(new Uint8Array(readFileSync(paths[0]!)));
      expect([png.width, png.height, png.colorType]).toEqual([56, 56, 0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a targeted attack aims at class K and skips digits already of class K', async () => {
    // p[true] - p[K] saturates once p[true] is near 0 (the article had 2 classes): with 10 classes
    // many digits land in a third class first, so the target is reached less often than a flip.
    const digits = takeDigits(data.test, 34);
    const result = await runAttack(e, model, digits.images, digits.labels, { epsilon: 0.02, iterations: 20, target: 3 });
    expect(result.perImage.some((r) => r.label === 3)).toBe(false);
    expect(result.attacked).toBeGreaterThanOrEqual(28);
    expect(result.reachedTarget).toBe(result.perImage.filter((r) => r.predictedAfter === 3).length);
    expect(result.successRate).toBe(result.reachedTarget! / result.attacked);
    expect(result.successRate).toBeGreaterThanOrEqual(0.4);
    expect(result.flipped).toBeGreaterThanOrEqual(0.9 * result.attacked);
    const raised = result.perImage.filter((r) => r.after[3]! > r.before[3]!).length;
    expect(raised).toBeGreaterThanOrEqual(0.9 * result.attacked);
  });

  it('an attack iteration reads nothing back and, once captured, makes no buffers', async () => {
    const digits = takeDigits(data.test, 8);
    const mask = e.tensor(Float32Array.from({ length: 80 }, (_, i) => (i % 10 === digits.labels[Math.floor(i / 10)] ? 1 : 0)), [8, 10]);
    const step = attackStep(e, model, { epsilon: 1 / 255, objective: 'logProbability' });
    let x = e.tensor(digits.images, [8, 28, 28, 1]);
    const advance = (): void => {
      const next = step(x, mask);
      x.dispose();
      x = next;
    };
    advance();
    await e.flush();
    const s0 = e.stats();
    for (let i = 0; i < 3; i++) advance();
    await e.flush();
    const s1 = e.stats();
    expect(s1.readbacks - s0.readbacks).toBe(0);
    expect(s1.bufferCreations - s0.bufferCreations).toBe(0);
    expect(step.captureCount).toBe(1);
    const after = await x.data();
    const before = digits.images;
    let max = 0;
    for (let i = 0; i < after.length; i++) max = Math.max(max, Math.abs(after[i]! - before[i]!));
    expect(max).toBeLessThanOrEqual(4 / 255 + 1e-6);
    expect(max).toBeGreaterThan(3.5 / 255);
    step.dispose();
    e.dispose([x, mask]);
  });

  it('the gradient with respect to the input matches the CPU engine', async () => {
    const cpu = await cpuEngine();
    const cpuModel = await loadMnistClassifier(cpu, shippedMnistWeightsPath());
    const digits = takeDigits(data.test, 2);
    for (const [objective, maskValues] of [
      ['logProbability', [...onehot(digits.labels[0]!), ...onehot(digits.labels[1]!)]],
      ['probability', [...onehot(digits.labels[0]!).map((v, c) => v - (c === 5 ? 1 : 0)), ...onehot(digits.labels[1]!).map((v, c) => v - (c === 5 ? 1 : 0))]],
    ] as const) {
      const grads = await Promise.all(
        ([e, cpu] as const).map(async (en, k) => {
          const g = en.tidy(() => inputGradient(en, k === 0 ? model : cpuModel, en.tensor(digits.images, [2, 28, 28, 1]), en.tensor(maskValues, [2, 10]), objective));
          const values = await g.data();
          g.dispose();
          return values;
        }),
      );
      const [gpuGrad, cpuGrad] = grads as [Float32Array, Float32Array];
      const scale = Math.max(...cpuGrad.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      let worst = 0;
      for (let i = 0; i < cpuGrad.length; i++) worst = Math.max(worst, Math.abs(gpuGrad[i]! - cpuGrad[i]!));
      expect(worst).toBeLessThanOrEqual(2e-3 * scale);
    }
    cpuModel.dispose();
  });

  it('trains a classifier with a captured step: the loss falls', async () => {
    const result = await trainClassifier(e, takeDigits(data.train, 256), takeDigits(data.test, 100), { epochs: 2, batch: 32, seed: 3 });
    expect(result.steps).toBe(16);
    expect(result.epochLosses.length).toBe(2);
    expect(result.epochLosses[1]!).toBeLessThan(0.9 * result.epochLosses[0]!);
    // 16 steps leave the batch-norm moving statistics mostly at their initial values, so the
    // inference-mode accuracy means little yet; it is only checked to be a fraction.
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(result.testAccuracy).toBeLessThanOrEqual(1);
    result.model.dispose();
  });

  it('trains on augmented digits along a cosine schedule, averaging the last weights, the same for the same seed', async () => {
    const train = takeDigits(data.train, 128);
    const test = takeDigits(data.test, 20);
    const options = { epochs: 2, batch: 32, seed: 5, schedule: 'cosine', augment: { maxRotationDeg: 10, maxShift: 2 }, averageLast: 2 } as const;
    const runs = [await trainClassifier(e, train, test, options), await trainClassifier(e, train, test, options)];
    const plain = await trainClassifier(e, train, test, { ...options, augment: undefined });
    expect(runs[1]!.epochLosses).toEqual(runs[0]!.epochLosses);
    const weights = await Promise.all(runs.map((r) => Promise.all(r.model.weights.map((w) => w.data()))));
    expect(weights[1]).toEqual(weights[0]);
    expect(runs[1]!.testAccuracy).toBe(runs[0]!.testAccuracy);
    // The first epoch's batches are the same; its images are moved, so its loss differs.
    expect(runs[0]!.epochLosses[0]).not.toBe(plain.epochLosses[0]);
    expect(runs[0]!.epochLosses.every((l) => Number.isFinite(l) && l > 0)).toBe(true);
    for (const r of [...runs, plain]) r.model.dispose();
    const colour = { images: new Float32Array(2 * 8 * 8 * 3), labels: new Int32Array(2), count: 2 };
    const small = (seed: number) => convClassifier({ inputShape: [8, 8, 3], filters: [4], units: 4, classes: 2, seed });
    await expect(trainClassifier(e, train, test, { epochs: 2, averageLast: 3 })).rejects.toThrow(/trainClassifier: averageLast \(3\) is more than the 2 epochs/);
    await expect(trainClassifier(e, colour, colour, { epochs: 1, batch: 2, augment: {}, model: small })).rejects.toThrow(
      /trainClassifier: augmentation takes square single-channel images, not \[8,8,3\]/,
    );
  });

  it('the attack command trains its own classifier with --train (on a subset here)', async () => {
    const text: string[] = [];
    const sink = { write: (chunk: string) => text.push(chunk) };
    const settings = { train: true, epochs: 1, batch: 32, seed: 2, images: 3, epsilon: 2 / 255, iterations: 2, trainDigits: 128, heldOut: 40 };
    const run = await attackMnist(e, settings, new Output(false, { stdout: sink, stderr: sink }));
    expect(run.classifier).toMatch(/^trained here: 1 epoch, batch 32, seed 2, 4 steps in /);
    expect(run.heldOut).toBe(40);
    expect(run.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(run.testAccuracy).toBeLessThanOrEqual(1);
    expect(run.result.images).toBe(3);
    expect(run.result.iterations).toBe(2);
    // The progress bars went to the output's stream: training, then the attack.
    expect(text.join('')).toContain('train 1 epoch');
  });
});

function onehot(label: number): number[] {
  return Array.from({ length: 10 }, (_, c) => (c === label ? 1 : 0));
}

describe("the article's cat/dog attack", () => {
  it('says what is missing and how to make it when there are no weights', async () => {
    const cpu = await cpuEngine();
    await expect(runArticleAttack(cpu, { imagePath: 'photo.jpg' })).rejects.toThrow(/weights are missing.*save_weights\('model.h5'\)/s);
    await expect(runArticleAttack(cpu, { weightsPath: '/nonexistent/model.h5', imagePath: 'photo.jpg' })).rejects.toThrow(
      /weights file '\/nonexistent\/model.h5' does not exist.*save_weights\('model.h5'\).*12,942,786 parameters/s,
    );
  });

  it('loads Keras weights by layer order into a twin of the architecture and attacks a JPEG towards dog', async () => {
    const e = (await gpuEngineOrNull()) ?? (await cpuEngine());
    const architecture = { filters: [2, 2, 2], units: 4 };
    const source = convClassifier({ ...ARTICLE_MODEL, inputShape: [128, 128, 3], ...architecture, seed: 11 }).build(undefined, e);
    const values = await source.getWeights();
    let k = 0;
    // Keras writes every layer, those without weights too, under names from its own session.
    const layers = source.layers.map((layer, i) => ({
      name: `${layer.name}_${i + 7}`,
      weights: layer.weightNames.map((name, j) => ({ name, shape: layer.weightShapes[j]!, data: values[k++]! })),
    }));
    const h5 = await writeKerasH5(layers);
    // A 96x80 photo-like JPEG: a gradient with a bright disc.
    const width = 96;
    const height = 80;
    const rgba = Buffer.alloc(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const disc = (x - 40) ** 2 + (y - 40) ** 2 < 400 ? 120 : 0;
        rgba.set([Math.min(255, 2 * x + disc), Math.min(255, 3 * y), 128 + disc / 2, 255], (y * width + x) * 4);
      }
    }
    const photo = new Uint8Array(jpeg.encode({ width, height, data: rgba }, 90).data);
    const input = articleInput(photo);
    expect(input.length).toBe(128 * 128 * 3);
    expect(Math.max(...input)).toBeLessThanOrEqual(255 / 256);
    const expected = await e.tidy(() => source.predict(e.tensor(input, [1, 128, 128, 3]))).data();

    const epsilon = 0.01;
    const result = await runArticleAttack(e, { weightsPath: h5, imagePath: photo, to: 'dog', epsilon, iterations: 3, architecture });
    expect(result.before[0]).toBeCloseTo(expected[0]!, 5);
    expect(result.before[1]).toBeCloseTo(expected[1]!, 5);
    expect(result.after[1]! - result.after[0]!).toBeGreaterThan(result.before[1]! - result.before[0]!);
    expect(result.maxAbsChange).toBeLessThanOrEqual(255 * epsilon * 3 + 1e-3);
    expect(result.predictedAfter).toBe(result.after[1]! > result.after[0]! ? 'dog' : 'cat');
    expect(result.success).toBe(result.predictedAfter === 'dog');
    source.dispose();
  });
});
