import { beforeEach, describe, expect, it } from 'vitest';
import {
  Activation,
  AveragePooling2D,
  BatchNormalization,
  Conv2D,
  Dense,
  DepthwiseConv2D,
  Dropout,
  Flatten,
  GlobalAveragePooling2D,
  InputLayer,
  MaxPooling2D,
  Sequential,
  computeFans,
  resetLayerNames,
} from '../../src/index.js';
import { backends, cpuEngine, gpuEngine } from '../helpers/engines.js';
import { expectClose } from '../helpers/allclose.js';
import { uniformValues } from '../helpers/random.js';

beforeEach(() => resetLayerNames());

describe('layer construction and shapes (no engine)', () => {
  it('names layers like Keras and rejects duplicates', () => {
    const names = [new Conv2D({ filters: 2, kernelSize: 3 }), new Conv2D({ filters: 2, kernelSize: 3 }), new MaxPooling2D(), new BatchNormalization()]
      .map((l) => l.name);
    expect(names).toEqual(['conv2d', 'conv2d_1', 'max_pooling2d', 'batch_normalization']);
    expect(new GlobalAveragePooling2D().name).toBe('global_average_pooling2d');
    expect(new DepthwiseConv2D({ kernelSize: 3 }).name).toBe('depthwise_conv2d');
    const model = new Sequential([new Dense({ units: 2, name: 'head' })]);
    expect(() => model.add(new Dense({ units: 3, name: 'head' }))).toThrow(/'head' is already in the model/);
  });

  it('computes output shapes and parameter counts for every layer', () => {
    const model = new Sequential([
      new InputLayer({ shape: [17, 15, 3] }),
      new Conv2D({ filters: 5, kernelSize: [3, 2], strides: 2, padding: 'same' }),
      new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, dilationRate: 2 }),
      new AveragePooling2D({ poolSize: 3, strides: 1 }),
      new MaxPooling2D({ poolSize: 2, padding: 'same' }),
      new BatchNormalization({ center: false }),
      new GlobalAveragePooling2D({ keepdims: true }),
      new Flatten(),
      new Dense({ units: 4, useBias: false }),
      new Activation('softmax'),
    ]);
    expect(model.layers.map((l) => l.outputShape)).toEqual([
      [null, 9, 8, 5],
      [null, 5, 4, 10],
      [null, 3, 2, 10],
      [null, 2, 1, 10],
      [null, 2, 1, 10],
      [null, 1, 1, 10],
      [null, 10],
      [null, 4],
      [null, 4],
    ]);
    expect(model.layers.map((l) => l.countParams())).toEqual([3 * 2 * 3 * 5 + 5, 3 * 3 * 5 * 2 + 10, 0, 0, 30, 0, 0, 40, 0]);
    expect(model.countParams()).toEqual({ total: 95 + 100 + 30 + 40, trainable: 95 + 100 + 10 + 40, nonTrainable: 20 });
    expect(model.getLayer('batch_normalization').weightNames).toEqual(['gamma', 'moving_mean', 'moving_variance']);
  });

  it('explains bad options and shapes', () => {
    expect(() => new Conv2D({ filters: 0, kernelSize: 3 })).toThrow(/conv2d: filters must be a positive integer/);
    expect(() => new Conv2D({ filters: 2, kernelSize: [3, 0] as unknown as [number, number] })).toThrow(/kernelSize must be/);
    expect(() => new Dense({ units: 2, activation: 'nope' as 'relu' })).toThrow(/dense_\d*:? ?unknown activation "nope"|unknown activation "nope"/);
    expect(() => new Dropout({ rate: 1 })).toThrow(/rate must be in \[0, 1\)/);
    expect(() => new Conv2D({ filters: 2, kernelSize: 3, padding: 'full' as 'same' })).toThrow(/padding must be 'valid' or 'same'/);
    // Shapes resolve as soon as the input shape is known, so a misfit shows up at construction.
    expect(() => new Sequential([new Conv2D({ filters: 2, kernelSize: 5, inputShape: [4, 4, 1] })])).toThrow(
      /conv2d_\d+: a 5x5 kernel \(dilation 1x1\) does not fit inputs of 4x4 with padding 'valid'/,
    );
    expect(() => new Sequential([new Conv2D({ filters: 1, kernelSize: 1, inputShape: [4, 4] })])).toThrow(/expects NHWC inputs of rank 4/);
    expect(() => new Sequential([new Dense({ units: 2 })]).summary()).toThrow(/not built/);
    const unbuilt = new Sequential([new Dense({ units: 2, inputShape: [3] })]);
    expect(() => unbuilt.weights).toThrow(/the weights do not exist yet/);
  });

  it('computes fans as Keras does', () => {
    expect(computeFans([3, 3, 4, 8])).toEqual({ fanIn: 36, fanOut: 72 });
    expect(computeFans([5, 7])).toEqual({ fanIn: 5, fanOut: 7 });
    expect(computeFans([6])).toEqual({ fanIn: 6, fanOut: 6 });
  });
});

describe.each(backends)('layers on %s', (_name, engine) => {
  it('initialise kernels Glorot-uniform from the seed, biases to zero', async () => {
    const e = await engine();
    const make = (): Sequential => new Sequential([new Conv2D({ filters: 8, kernelSize: 3, inputShape: [6, 6, 4] })], { seed: 11 }).build(undefined, e);
    const a = make();
    const b = make();
    const [kernel, bias] = await a.getWeights();
    const limit = Math.sqrt(6 / (36 + 72));
    expect(kernel!.every((v) => Math.abs(v) <= limit)).toBe(true);
    expect(Math.max(...kernel!.map(Math.abs))).toBeGreaterThan(0.9 * limit);
    expect(bias).toEqual(new Float32Array(8));
    expect((await b.getWeights())[0]).toEqual(kernel);
    a.dispose();
    b.dispose();
  });

  it('BatchNormalization moves its statistics in training and uses them in inference', async () => {
    const e = await engine();
    const bn = new BatchNormalization({ momentum: 0.9 });
    const values = uniformValues(4 * 3, -2, 3, 5);
    const x = e.tensor(values, [2, 2, 3]);
    const y = bn.apply(x, { training: true });
    // Batch statistics per channel over the other axes.
    const mean = [0, 1, 2].map((c) => [0, 1, 2, 3].reduce((s, r) => s + values[r * 3 + c]!, 0) / 4);
    const variance = [0, 1, 2].map((c) => [0, 1, 2, 3].reduce((s, r) => s + (values[r * 3 + c]! - mean[c]!) ** 2, 0) / 4);
    const expectedY = values.map((v, i) => (v - mean[i % 3]!) / Math.sqrt(variance[i % 3]! + 1e-3));
    expectClose(await y.data(), expectedY, 1e-4, 1e-3, 'training output');
    const [gamma, beta, movingMean, movingVariance] = await Promise.all(bn.weights.map((w) => w.data()));
    expect(gamma).toEqual(new Float32Array([1, 1, 1]));
    expect(beta).toEqual(new Float32Array([0, 0, 0]));
    expectClose(movingMean!, mean.map((m) => 0.1 * m), 1e-5, 1e-4, 'moving mean');
    expectClose(movingVariance!, variance.map((v) => 0.9 + 0.1 * v), 1e-5, 1e-4, 'moving variance');
    expect(bn.trainableWeights.map((w) => w.name)).toEqual(['batch_normalization/gamma', 'batch_normalization/beta']);
    // Inference normalises with the moving statistics and leaves them alone.
    const z = bn.apply(x, { training: false });
    const expectedZ = values.map((v, i) => (v - 0.1 * mean[i % 3]!) / Math.sqrt(0.9 + 0.1 * variance[i % 3]! + 1e-3));
    expectClose(await z.data(), expectedZ, 1e-4, 1e-3, 'inference output');
    expectClose(await bn.weights[2]!.data(), mean.map((m) => 0.1 * m), 1e-5, 1e-4, 'moving mean after inference');
    // A frozen layer normalises with the moving statistics even in training (Keras).
    bn.trainable = false;
    expect(bn.trainableWeights).toEqual([]);
    expectClose(await bn.apply(x, { training: true }).data(), expectedZ, 1e-4, 1e-3, 'frozen output');
    e.dispose([x, y, z]);
    bn.dispose();
  });

  it('BatchNormalization in training under a gradient tape leaks nothing and reads nothing back', async () => {
    const e = await engine();
    const model = new Sequential([new Dense({ units: 3, inputShape: [4] }), new BatchNormalization(), new Dropout({ rate: 0.3 })], { seed: 2 }).build(undefined, e);
    const x = e.tensor(uniformValues(5 * 4, -1, 1, 6), [5, 4]);
    const step = (): void => {
      const { value, grads } = e.valueAndGrad(() => model.apply(x, { training: true }).square().mean(), model.trainableWeights);
      e.dispose([value, grads]);
    };
    step();
    const live = e.memory().tensors;
    const readbacks = e.stats().readbacks;
    step();
    step();
    expect(e.memory().tensors).toBe(live);
    expect(e.stats().readbacks).toBe(readbacks);
    // Outside a tape, apply frees its intermediates too.
    e.dispose(model.apply(x, { training: true }));
    e.dispose(model.predict(x));
    expect(e.memory().tensors).toBe(live);
    x.dispose();
    model.dispose();
  });

  it('BatchNormalization normalises another axis when asked', async () => {
    const e = await engine();
    const bn = new BatchNormalization({ axis: 1, movingMeanInitializer: (en, shape) => en.fill(shape, 2) });
    const x = e.tensor(uniformValues(2 * 3 * 2, -1, 1, 8), [2, 3, 2]);
    expect(bn.apply(x).shape).toEqual([2, 3, 2]);
    expect(bn.weights[0]!.shape).toEqual([3]);
    const got = await bn.apply(x.add(2)).data();
    expectClose(got, Array.from(await x.data(), (v) => v / Math.sqrt(1 + 1e-3)), 1e-5, 1e-4);
    bn.dispose();
  });

  it('Dropout is the identity in inference and drops with scaling in training', async () => {
    const e = await engine();
    const drop = new Dropout({ rate: 0.5, seed: 3 });
    const x = e.ones([40, 50]);
    expect(await drop.apply(x).data()).toEqual(new Float32Array(2000).fill(1));
    const first = await drop.apply(x, { training: true }).data();
    const kept = first.filter((v) => v !== 0);
    expect(kept.every((v) => v === 2)).toBe(true);
    expect(kept.length).toBeGreaterThan(850);
    expect(kept.length).toBeLessThan(1150);
    // Each training call draws a new mask.
    const second = await drop.apply(x, { training: true }).data();
    expect(second).not.toEqual(first);
    x.dispose();
  });

  it('Dense works on the last axis of rank-3 inputs; Activation, pooling and Flatten compute what Keras does', async () => {
    const e = await engine();
    const dense = new Dense({ units: 3, activation: 'tanh', seed: 1 });
    const x = e.tensor(uniformValues(2 * 4 * 5, -1, 1, 2), [2, 4, 5]);
    const y = dense.apply(x);
    expect(y.shape).toEqual([2, 4, 3]);
    const expected = x.reshape([8, 5]).matmul(dense.weights[0]!).add(dense.weights[1]!).tanh();
    expectClose(await y.data(), await expected.data());
    const probs = new Activation({ activation: 'softmax' }).apply(y);
    const p = await probs.data();
    for (let r = 0; r < 8; r++) expect(p[3 * r]! + p[3 * r + 1]! + p[3 * r + 2]!).toBeCloseTo(1, 5);
    const img = e.tensor(Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]);
    expect(await new MaxPooling2D().apply(img).data()).toEqual(new Float32Array([5, 7, 13, 15]));
    expect(await new AveragePooling2D().apply(img).data()).toEqual(new Float32Array([2.5, 4.5, 10.5, 12.5]));
    expect(await new GlobalAveragePooling2D().apply(img).data()).toEqual(new Float32Array([7.5]));
    expect(new Flatten().apply(img).shape).toEqual([1, 16]);
    e.dispose([x, y, expected, probs, img]);
    dense.dispose();
  });

  it('DepthwiseConv2D applies its kernel and bias per channel', async () => {
    const e = await engine();
    const layer = new DepthwiseConv2D({ kernelSize: 2, depthMultiplier: 2, padding: 'same', activation: 'relu', biasInitializer: (en, s) => en.fill(s, 0.5) });
    const x = e.tensor(uniformValues(1 * 3 * 3 * 2, -1, 1, 4), [1, 3, 3, 2]);
    const y = layer.apply(x);
    expect(y.shape).toEqual([1, 3, 3, 4]);
    const expected = x.depthwiseConv2d(layer.weights[0]!, { padding: 'same' }).add(0.5).relu();
    expectClose(await y.data(), await expected.data());
    layer.dispose();
  });

  it('sets, gets and freezes weights; rejects inputs of the wrong shape', async () => {
    const e = await engine();
    const model = new Sequential([new Dense({ units: 2, inputShape: [3] }), new Dense({ units: 1 })], { name: 'tiny' }).build(undefined, e);
    const values = [new Float32Array([1, 2, 3, 4, 5, 6]), new Float32Array([0.5, -0.5]), new Float32Array([1, -1]), new Float32Array([2])];
    model.setWeights(values);
    expect(await model.getWeights()).toEqual(values);
    const out = model.predict(e.tensor([[1, 1, 1]]));
    expect(await out.data()).toEqual(new Float32Array([(1 + 3 + 5 + 0.5) - (2 + 4 + 6 - 0.5) + 2]));
    expect(() => model.setWeights(values.slice(1))).toThrow(/tiny.setWeights: the model has 4 weights, got 3 values/);
    expect(() => model.setWeights([values[1]!, ...values.slice(1)])).toThrow(/weight 0 'dense\/kernel' has shape \[3,2\], got 2 values/);
    expect(() => model.apply(e.ones([2, 4]))).toThrow(/tiny.apply: the model takes inputs of shape \(None, 3\), got \[2,4\]/);
    model.getLayer(0).trainable = false;
    expect(model.trainableWeights.map((w) => w.name)).toEqual(['dense_1/kernel', 'dense_1/bias']);
    expect(model.countParams()).toEqual({ total: 11, trainable: 3, nonTrainable: 8 });
    model.dispose();
  });
});

describe('engines', () => {
  it('keeps a model on one engine', async () => {
    const gpu = await gpuEngine();
    const cpu = await cpuEngine();
    const model = new Sequential([new Dense({ units: 2, inputShape: [3] })]).build(undefined, cpu);
    expect(() => model.apply(gpu.ones([1, 3]))).toThrow(/another engine/);
    model.dispose();
  });
});
