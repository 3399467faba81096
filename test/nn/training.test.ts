import { describe, expect, it } from 'vitest';
import type { Engine, Tensor } from '../../src/index.js';
import { Conv2D, Dense, Flatten, MaxPooling2D, Sequential } from '../../src/index.js';
import { gpuEngine } from '../helpers/engines.js';
import { rng } from '../helpers/random.js';

/**
 * 8x8 grey images with a bright 2x2 patch in the left half (class 0) or the right half (class 1),
 * on dark noise (centred near zero, which plain SGD needs to be quick); labels one-hot.
 */
function patches(e: Engine, count: number, seed: number): { x: Tensor; y: Tensor } {
  const r = rng(seed);
  const pixels = new Float32Array(count * 64);
  const labels: number[][] = [];
  for (let n = 0; n < count; n++) {
    const cls = n % 2;
    for (let i = 0; i < 64; i++) pixels[n * 64 + i] = 0.2 * r() - 0.5;
    const row = Math.floor(r() * 7);
    const col = cls * 4 + Math.floor(r() * 3);
    for (const [dr, dc] of [[0, 0], [0, 1], [1, 0], [1, 1]] as const) pixels[n * 64 + (row + dr) * 8 + col + dc] = 1;
    labels.push(cls === 0 ? [1, 0] : [0, 1]);
  }
  return { x: e.tensor(pixels, [count, 8, 8, 1]), y: e.tensor(labels) };
}

describe('training a small network on the GPU', () => {
  it('lowers the loss with plain SGD steps (valueAndGrad and assign, no readback per step)', async () => {
    const e = await gpuEngine();
    const model = new Sequential(
      [
        new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1] }),
        new MaxPooling2D({ poolSize: 2 }),
        new Flatten(),
        new Dense({ units: 2, activation: 'softmax' }),
      ],
      { seed: 3 },
    ).build(undefined, e);
    const { x, y } = patches(e, 32, 17);
    const params = model.trainableWeights;
    const lossOf = (): Tensor => e.categoricalCrossEntropy(model.apply(x, { training: true }), y);
    const first = lossOf();
    const initial = (await first.data())[0]!;
    first.dispose();
    const readbacks = e.stats().readbacks;
    const live = e.memory().tensors;
    for (let step = 0; step < 30; step++) {
      const { value, grads } = e.valueAndGrad(lossOf, params);
      e.tidy(() => params.forEach((v, i) => v.assign(v.sub(grads[i]!.mul(0.3)))));
      e.dispose([value, grads]);
    }
    expect(e.stats().readbacks).toBe(readbacks);
    expect(e.memory().tensors).toBe(live);
    const last = lossOf();
    const final = (await last.data())[0]!;
    expect(Number.isFinite(final)).toBe(true);
    expect(final).toBeLessThan(0.3 * initial);
    const accuracy = e.tidy(() => model.predict(x).mul(y).sum(-1).sub(0.5).step().mean());
    expect((await accuracy.data())[0]).toBeGreaterThan(0.9);
    e.dispose([last, x, y, accuracy]);
    model.dispose();
  });
});
