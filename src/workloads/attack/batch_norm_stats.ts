/**
 * Recalibrating batch normalisation after training: each BatchNormalization layer's moving mean
 * and variance replaced by the exact statistics of its inputs over a set of images, computed in
 * inference mode. During training a layer that follows a Dropout sees inputs whose variance the
 * dropout noise inflates, and its moving averages also trail the weights as they change; in
 * inference there is no dropout, so the stored statistics no longer match what the layer gets
 * ("variance shift", Li et al. 2019). Recomputing them over the training images once training is
 * done is the practitioner's fix (as stochastic weight averaging's bn_update does).
 */
import type { Engine } from '../../engine.js';
import { BatchNormalization, type Sequential } from '../../nn/index.js';
import type { Tensor } from '../../tensor.js';

/** Running per-channel mean and sum of squared deviations, merged batch by batch in float64. */
interface Moments {
  count: number;
  mean: Float64Array;
  m2: Float64Array;
}

/** Chan et al.'s pairwise update: the moments of the union of `a` and a batch. */
function merge(a: Moments, count: number, mean: Float32Array, m2: Float32Array): void {
  const total = a.count + count;
  for (let c = 0; c < mean.length; c++) {
    const delta = mean[c]! - a.mean[c]!;
    a.mean[c] = a.mean[c]! + (delta * count) / total;
    a.m2[c] = a.m2[c]! + m2[c]! + (delta * delta * a.count * count) / total;
  }
  a.count = total;
}

/**
 * Sets the moving statistics of every BatchNormalization layer of `model` (channels last) to the
 * mean and biased variance of its inputs over the `count` images of `images` (each of the model's
 * input shape), layer after layer, each with the statistics of the layers before it already
 * replaced. Runs in batches of `batch` images in inference mode (no dropout); reads back two
 * small vectors per batch and layer.
 */
export async function recalibrateBatchNorm(e: Engine, model: Sequential, images: Float32Array, count: number, options: { batch?: number } = {}): Promise<void> {
  const batch = options.batch ?? 250;
  const shape = (model.inputShape ?? []).slice(1) as number[];
  const pixels = shape.reduce((a, b) => a * b, 1);
  if (count < 1 || images.length < count * pixels) throw new Error(`recalibrateBatchNorm: ${count} images of [${shape.join(',')}] need ${count * pixels} values, got ${images.length}`);
  const layers = model.layers;
  for (let j = 0; j < layers.length; j++) {
    const bn = layers[j];
    if (!(bn instanceof BatchNormalization)) continue;
    if (bn.axis !== -1) throw new Error(`recalibrateBatchNorm: ${bn.name} normalises axis ${bn.axis}; only channels last (-1) is supported`);
    let moments: Moments | undefined;
    for (let start = 0; start < count; start += batch) {
      const n = Math.min(batch, count - start);
      const [mean, m2, perChannel] = e.tidy(() => {
        let h: Tensor = e.tensor(images.subarray(start * pixels, (start + n) * pixels), [n, ...shape]);
        for (let k = 0; k < j; k++) h = layers[k]!.apply(h, { training: false });
        const axes = h.shape.slice(0, -1).map((_, i) => i);
        const m = h.mean(axes);
        return [m, h.sub(m).square().sum(axes), e.scalar(h.size / h.shape.at(-1)!)];
      });
      const [meanValues, m2Values, rows] = await Promise.all([mean.data(), m2.data(), perChannel.data()]);
      e.dispose([mean, m2, perChannel]);
      moments ??= { count: 0, mean: new Float64Array(meanValues.length), m2: new Float64Array(meanValues.length) };
      merge(moments, rows[0]!, meanValues, m2Values);
    }
    const names = bn.weightNames;
    const weights = bn.weights;
    weights[names.indexOf('moving_mean')]!.assign(Float32Array.from(moments!.mean));
    weights[names.indexOf('moving_variance')]!.assign(Float32Array.from(moments!.m2, (v) => v / moments!.count));
  }
}
