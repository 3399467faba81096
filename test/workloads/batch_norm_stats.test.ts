import { describe, expect, it } from 'vitest';
import { BatchNormalization } from '../../src/index.js';
import { convClassifier } from '../../src/workloads/attack/models.js';
import { recalibrateBatchNorm } from '../../src/workloads/attack/batch_norm_stats.js';
import { cpuEngine } from '../helpers/engines.js';
import { rng } from '../helpers/random.js';

describe('recalibrateBatchNorm', () => {
  it('sets each moving mean and variance to the statistics of the layer inputs over the images', async () => {
    const e = await cpuEngine();
    const model = convClassifier({ inputShape: [8, 8, 1], filters: [3], units: 5, classes: 2, seed: 2 }).build(undefined, e);
    const random = rng(7);
    const count = 23;
    const images = Float32Array.from({ length: count * 64 }, () => random());
    const bns = model.layers.filter((l): l is BatchNormalization => l instanceof BatchNormalization);
    for (const bn of bns) for (const w of bn.weights.slice(2)) w.assign(new Float32Array(w.size).fill(7));
    // Batches of 10: the statistics are merged across uneven batches.
    await recalibrateBatchNorm(e, model, images, count, { batch: 10 });

    // The first batch norm sees the first conv layer's outputs: per channel over 23 x 6 x 6.
    const x = e.tensor(images, [count, 8, 8, 1]);
    const conv = model.layers[0]!.apply(x);
    const values = await conv.data();
    e.dispose([x, conv]);
    const channels = 3;
    const mean = [0, 1, 2].map((c) => values.filter((_, i) => i % channels === c).reduce((a, b) => a + b, 0) / (values.length / channels));
    const variance = [0, 1, 2].map((c) => values.filter((_, i) => i % channels === c).reduce((a, b) => a + (b - mean[c]!) ** 2, 0) / (values.length / channels));
    const [, , movingMean, movingVariance] = await Promise.all(bns[0]!.weights.map((w) => w.data()));
    mean.forEach((m, c) => expect(movingMean![c]).toBeCloseTo(m, 5));
    variance.forEach((v, c) => expect(movingVariance![c]).toBeCloseTo(v, 5));
    // The later one (after the Dense layer) is set too, from inputs that used the new statistics.
    const last = await bns[1]!.weights[3]!.data();
    expect(Array.from(last).every((v) => v !== 7 && v >= 0)).toBe(true);
    model.dispose();
  });

  it('checks the image count', async () => {
    const e = await cpuEngine();
    const model = convClassifier({ inputShape: [8, 8, 1], filters: [3], units: 5, classes: 2 }).build(undefined, e);
    await expect(recalibrateBatchNorm(e, model, new Float32Array(10), 1)).rejects.toThrow(/recalibrateBatchNorm: 1 images of \[8,8,1\] need 64 values, got 10/);
    model.dispose();
  });
});
