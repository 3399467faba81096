import { beforeEach, describe, expect, it } from 'vitest';
import {
  BatchNormalization,
  Conv2D,
  Dense,
  Dropout,
  Flatten,
  MaxPooling2D,
  Sequential,
  readKerasH5,
  resetLayerNames,
  type Engine,
} from '../../src/index.js';
import { cpuEngine, gpuEngine } from '../helpers/engines.js';
import { uniformValues } from '../helpers/random.js';
import { writeKerasH5, type LayerToWrite, type WriteOptions } from './keras_h5_writer.js';

beforeEach(() => resetLayerNames());

/** Conv2D -> BatchNormalization -> MaxPooling2D -> Dropout -> Flatten -> Dense, on 6x6x2 inputs. */
function smallModel(e: Engine, dense = 3): Sequential {
  return new Sequential([
    new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 2] }),
    new BatchNormalization(),
    new MaxPooling2D(),
    new Dropout({ rate: 0.25 }),
    new Flatten(),
    new Dense({ units: dense, activation: 'softmax' }),
  ]).build(undefined, e);
}

const w = (name: string, shape: number[], seed: number, low = -1): LayerToWrite['weights'][number] => ({
  name,
  shape,
  data: Float32Array.from(uniformValues(shape.reduce((a, b) => a * b, 1), low, low + 2, seed)),
});

/** The small model's layers as Keras would save them, under Keras' names from another session. */
function kerasLayers(dense = 3): LayerToWrite[] {
  return [
    { name: 'conv2d_7', weights: [w('kernel', [3, 3, 2, 4], 1), w('bias', [4], 2)] },
    { name: 'batch_normalization_7', weights: [w('gamma', [4], 3), w('beta', [4], 4), w('moving_mean', [4], 5), w('moving_variance', [4], 6, 0.5)] },
    { name: 'max_pooling2d_7', weights: [] },
    { name: 'dropout_7', weights: [] },
    { name: 'flatten_7', weights: [] },
    { name: 'dense_7', weights: [w('kernel', [16, dense], 7), w('bias', [dense], 8)] },
  ];
}

async function expectWeights(model: Sequential, layers: LayerToWrite[]): Promise<void> {
  const expected = layers.flatMap((l) => l.weights.map((x) => x.data));
  expect(await model.getWeights()).toEqual(expected);
}

describe('Keras HDF5 weights', () => {
  const layouts: [string, WriteOptions][] = [
    ['TF 2.x save_weights', {}],
    ['a whole-model save (model_weights group)', { layout: 'model_save' }],
    ['chunked layer_names, latest HDF5 format, names without :0', { chunkLayerNames: true, libver: 'latest', suffix: '' }],
  ];
  for (const [what, options] of layouts) {
    it(`loads ${what} by layer order`, async () => {
      const e = await cpuEngine();
      const layers = kerasLayers();
      const bytes = await writeKerasH5(layers, options);
      const file = readKerasH5(bytes);
      expect(file.layout).toBe('layer_names');
      expect(file.kerasVersion).toBe('2.13.1');
      expect(file.layers.map((l) => l.name)).toEqual(layers.map((l) => l.name));
      expect(file.layers[0]!.weights[0]!.name).toBe(`conv2d_7/kernel${options.suffix ?? ':0'}`);
      const model = smallModel(e);
      await model.loadWeights(bytes);
      await expectWeights(model, layers);
      model.dispose();
    });
  }

  it('loads Keras 3 .weights.h5 files by their positional layer names', async () => {
    const e = await cpuEngine();
    const layers = kerasLayers().map((l) => ({ ...l, name: l.name.replace('_7', '') }));
    const bytes = await writeKerasH5(layers, { layout: 'keras3' });
    expect(readKerasH5(bytes).layout).toBe('keras3');
    const model = smallModel(e);
    await model.loadWeights(bytes);
    await expectWeights(model, layers);
    model.dispose();
  });

  it('loads by name when asked, into a GPU model, and the model computes with the values', async () => {
    const e = await gpuEngine();
    const cpu = await cpuEngine();
    const layers = kerasLayers().map((l) => ({ ...l, name: l.name.replace('_7', '') }));
    const bytes = await writeKerasH5(layers.reverse());
    const model = smallModel(e);
    await model.loadWeights(bytes, { byName: true });
    await expectWeights(model, layers.reverse());
    const reference = smallModel(cpu);
    reference.setWeights(await model.getWeights());
    const x = uniformValues(72, -1, 1, 4);
    const got = await model.predict(e.tensor(x, [1, 6, 6, 2])).data();
    const want = await reference.predict(cpu.tensor(x, [1, 6, 6, 2])).data();
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
    model.dispose();
    reference.dispose();
  });

  it('reads the article-sized layer list (17 layers) in both HDF5 formats', async () => {
    const layers: LayerToWrite[] = Array.from({ length: 17 }, (_, i) => ({ name: `layer_${String(i).padStart(2, '0')}`, weights: i % 3 ? [] : [w('kernel', [2, 3], i)] }));
    for (const libver of ['earliest', 'latest'] as const) {
      const file = readKerasH5(await writeKerasH5(layers, { libver }));
      expect(file.layers.map((l) => l.name)).toEqual(layers.map((l) => l.name));
      expect(file.layers[3]!.weights[0]!.data).toEqual(layers[3]!.weights[0]!.data);
    }
  });

  it('explains every mismatch and leaves the model unchanged', async () => {
    const e = await cpuEngine();
    const model = smallModel(e);
    const before = await model.getWeights();
    const extra = [...kerasLayers(), { name: 'dense_8', weights: [w('kernel', [3, 2], 9), w('bias', [2], 10)] }];
    await expect(model.loadWeights(await writeKerasH5(extra))).rejects.toThrow(
      /the HDF5 file does not match model 'sequential':\n {2}- layer count: the file has 4 layers with weights \(conv2d_7, batch_normalization_7, dense_7, dense_8\), the model has 3 \(conv2d, batch_normalization, dense\)/,
    );
    const wrongShape = kerasLayers(5);
    const err = await model.loadWeights(await writeKerasH5(wrongShape)).catch((x: Error) => x);
    expect(err).toBeInstanceOf(Error);
    expect(String(err)).toContain(
      "layer 2: file 'dense_7' (kernel [16,5], bias [5]) vs model 'dense' (kernel [16,3], bias [3]): kernel shape [16,5] in the file, [16,3] in the model; bias shape [5] in the file, [3] in the model",
    );
    const renamed = kerasLayers();
    renamed[1]!.weights = [renamed[1]!.weights[1]!, renamed[1]!.weights[0]!, ...renamed[1]!.weights.slice(2)];
    await expect(model.loadWeights(await writeKerasH5(renamed))).rejects.toThrow(/weight 0 is 'beta' in the file, 'gamma' in the model/);
    const missing = kerasLayers().map((l) => ({ ...l, name: l.name.replace('_7', '') }));
    missing[0]!.name = 'conv2d_3';
    await expect(model.loadWeights(await writeKerasH5(missing), { byName: true })).rejects.toThrow(
      /model layer 'conv2d' has no weights in the file[\s\S]*the file has weights for layers the model lacks: 'conv2d_3'/,
    );
    expect(await model.getWeights()).toEqual(before);
    expect(() => readKerasH5(new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))).toThrow(/readKerasH5: not a readable HDF5 file/);
    model.dispose();
  });
});
