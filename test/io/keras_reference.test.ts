import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readKerasH5, resetLayerNames, type Engine, type Sequential } from '../../src/index.js';
import { backends } from '../helpers/engines.js';
import { closeness } from '../helpers/allclose.js';
import { articleModel } from '../nn/models.js';

// Files written by real Keras (3.15, jax backend) with test/io/fixtures/make_keras_fixtures.py:
// the scaled-down article model with non-default weights, its inference output and input gradient.
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const expected = JSON.parse(new TextDecoder().decode(fixture('small_cnn_expected.json'))) as {
  layer_names: string[];
  probs: number[];
  grad: number[];
  total_params: number;
  non_trainable_params: number;
};

function build(e: Engine): Sequential {
  resetLayerNames();
  return articleModel({ inputShape: [30, 30, 3], filters: [4, 6, 8], units: 16 }).build(undefined, e);
}

describe('weights saved by Keras itself', () => {
  it('are read layer by layer from both the legacy and the Keras 3 layout', () => {
    const legacy = readKerasH5(fixture('small_cnn_legacy.h5'));
    const keras3 = readKerasH5(fixture('small_cnn.weights.h5'));
    expect(legacy.layout).toBe('layer_names');
    expect(legacy.kerasVersion).toBe('3.15.1');
    expect(legacy.layers.map((l) => l.name)).toEqual(expected.layer_names);
    expect(legacy.layers[0]!.weights.map((w) => [w.name, w.shape])).toEqual([
      ['sequential/conv2d/kernel', [3, 3, 3, 4]],
      ['sequential/conv2d/bias', [4]],
    ]);
    expect(keras3.layout).toBe('keras3');
    const withWeights = (f: typeof legacy): Float32Array[] => f.layers.filter((l) => l.weights.length).flatMap((l) => l.weights.map((w) => w.data));
    // Keras 3 groups come back sorted by name; compare as sets of layers.
    const byName = new Map(keras3.layers.map((l) => [l.name, l.weights.map((w) => w.data)]));
    for (const layer of legacy.layers) expect(byName.get(layer.name) ?? []).toEqual(layer.weights.map((w) => w.data));
    expect(withWeights(legacy).length).toBe(26);
  });

  describe.each(backends)('on %s', (_name, engine) => {
    it('a model built in code reproduces Keras: parameter counts, probabilities and the input gradient', async () => {
      const e = await engine();
      const model = build(e);
      expect(model.countParams().total).toBe(expected.total_params);
      expect(model.countParams().nonTrainable).toBe(expected.non_trainable_params);
      expect(model.layers.map((l) => l.name)).toEqual(expected.layer_names);
      await model.loadWeights(fixture('small_cnn_legacy.h5'));
      const fromLegacy = await model.getWeights();
      const other = build(e);
      await other.loadWeights(fixture('small_cnn.weights.h5'));
      expect(await other.getWeights()).toEqual(fromLegacy);
      other.dispose();

      const x = e.tensor(Array.from({ length: 30 * 30 * 3 }, (_, i) => 0.5 + 0.5 * Math.sin(i)), [1, 30, 30, 3]);
      const sign = e.tensor([[1, -1]]);
      const { value, grads } = e.valueAndGrad(() => model.apply(x), [x], sign);
      const probs = await value.data();
      const grad = await grads[0]!.data();
      const p = closeness(probs, expected.probs, 1e-5, 1e-4);
      expect(p.ok, `probabilities differ from Keras: ${p.worst}`).toBe(true);
      const g = closeness(grad, expected.grad, 1e-5, 1e-3);
      expect(g.ok, `input gradients differ from Keras: ${g.worst}`).toBe(true);
      e.dispose([x, sign, value, grads]);
      model.dispose();
    });
  });
});
