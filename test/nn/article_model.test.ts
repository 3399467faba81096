import { beforeEach, describe, expect, it } from 'vitest';
import { resetLayerNames } from '../../src/index.js';
import { gpuEngine } from '../helpers/engines.js';
import { uniformValues } from '../helpers/random.js';
import { articleModel } from './models.js';

describe('the article model', () => {
  beforeEach(() => resetLayerNames());

  it('builds without an engine and summarises like Keras', () => {
    const model = articleModel();
    const counts = model.countParams();
    expect(counts).toEqual({ total: 12_942_786, trainable: 12_941_314, nonTrainable: 1_472 });
    const lines: string[] = [];
    const text = model.summary({ print: (line) => lines.push(line) });
    expect(lines.join('\n')).toBe(text);
    expect(text).toContain('Model: "sequential"');
    expect(text).toContain('Total params: 12,942,786');
    expect(text).toContain('Trainable params: 12,941,314');
    expect(text).toContain('Non-trainable params: 1,472');
    expect(text).toMatch(/conv2d \(Conv2D\) +\(None, 126, 126, 32\) +896/);
    expect(text).toMatch(/batch_normalization_3 \(BatchNormalization\) +\(None, 512\) +2048/);
    expect(text).toMatch(/flatten \(Flatten\) +\(None, 25088\) +0/);
    expect(text).toMatch(/dense_1 \(Dense\) +\(None, 2\) +1026/);
    expect(model.layers.map((l) => l.name)).toEqual([
      'conv2d', 'batch_normalization', 'max_pooling2d', 'dropout',
      'conv2d_1', 'batch_normalization_1', 'max_pooling2d_1', 'dropout_1',
      'conv2d_2', 'batch_normalization_2', 'max_pooling2d_2', 'dropout_2',
      'flatten', 'dense', 'batch_normalization_3', 'dropout_3', 'dense_1',
    ]);
    expect(model.outputShape).toEqual([null, 2]);
  });

  it('runs forward on a 1x128x128x3 image on the GPU and differentiates p0 - p1 with respect to the input', async () => {
    const e = await gpuEngine();
    const model = articleModel();
    model.build(undefined, e);
    expect(model.weights.map((w) => w.name).slice(0, 6)).toEqual([
      'conv2d/kernel', 'conv2d/bias',
      'batch_normalization/gamma', 'batch_normalization/beta', 'batch_normalization/moving_mean', 'batch_normalization/moving_variance',
    ]);
    expect(model.trainableWeights.length).toBe(18);
    expect(model.nonTrainableWeights.length).toBe(8);
    const x = e.tensor(uniformValues(128 * 128 * 3, 0, 1, 3), [1, 128, 128, 3]);
    const sign = e.tensor([[1, -1]]);
    const before = e.stats().readbacks;
    const { value: p, grads } = e.valueAndGrad(() => {
      const probs = e.keep(model.apply(x, { training: false }));
      return probs;
    }, [x], sign);
    expect(e.stats().readbacks).toBe(before);
    expect(p.shape).toEqual([1, 2]);
    const probs = await p.data();
    expect(probs[0]! + probs[1]!).toBeCloseTo(1, 5);
    const g = grads[0]!;
    expect(g.shape).toEqual([1, 128, 128, 3]);
    const gv = await g.data();
    expect(gv.every(Number.isFinite)).toBe(true);
    expect(gv.some((v) => v !== 0)).toBe(true);
    e.dispose([x, sign, p, g]);
    model.dispose();
  });
});
