import { describe, expect, it } from 'vitest';
import type { Engine, Sequential, Tensor } from '../../src/index.js';
import { cpuEngine, gpuEngine } from '../helpers/engines.js';
import { closeness } from '../helpers/allclose.js';
import { uniformValues } from '../helpers/random.js';
import { articleModel } from './models.js';

/** The article's architecture scaled down: 30x30x3 inputs, 4/6/8 filters, 16 dense units. */
async function twin(e: Engine, weights?: Float32Array[]): Promise<Sequential> {
  const model = articleModel({ inputShape: [30, 30, 3], filters: [4, 6, 8], units: 16, seed: 5 }).build(undefined, e);
  if (weights) model.setWeights(weights);
  return model;
}

/** Batch-norm parameters and statistics away from their defaults, so that they matter. */
async function variedWeights(model: Sequential): Promise<Float32Array[]> {
  const values = await model.getWeights();
  return model.weights.map((w, i) => {
    const kind = w.name.split('/')[1];
    const n = values[i]!.length;
    if (kind === 'gamma' || kind === 'moving_variance') return Float32Array.from(uniformValues(n, 0.5, 1.5, 100 + i));
    if (kind === 'beta' || kind === 'moving_mean') return Float32Array.from(uniformValues(n, -0.2, 0.2, 100 + i));
    return values[i]!;
  });
}

/** |a - b| <= atol + rtol·|b| with atol scaled to the largest magnitude of b. */
function expectNear(a: Float32Array, b: Float32Array, what: string, rtol = 2e-3): void {
  const scale = Math.max(...b.map(Math.abs));
  const { ok, worst } = closeness(a, b, 1e-3 * scale, rtol);
  expect(ok, `${what} differ: ${worst} (largest |value| ${scale})`).toBe(true);
}

describe('the scaled-down article model on the GPU matches the CPU', () => {
  it('inference: probabilities and the gradient of p0 - p1 with respect to the input', async () => {
    const gpu = await gpuEngine();
    const cpu = await cpuEngine();
    const reference = await twin(cpu);
    const weights = await variedWeights(reference);
    reference.setWeights(weights);
    const candidate = await twin(gpu, weights);
    const xValues = uniformValues(2 * 30 * 30 * 3, 0, 1, 9);
    const run = async (e: Engine, model: Sequential): Promise<[Float32Array, Float32Array]> => {
      const x = e.tensor(xValues, [2, 30, 30, 3]);
      const sign = e.tensor([[1, -1], [1, -1]]);
      const { value, grads } = e.valueAndGrad(() => model.apply(x, { training: false }), [x], sign);
      const out: [Float32Array, Float32Array] = [await value.data(), await grads[0]!.data()];
      e.dispose([x, sign, value, grads]);
      return out;
    };
    const [pCpu, gCpu] = await run(cpu, reference);
    const [pGpu, gGpu] = await run(gpu, candidate);
    expectNear(pGpu, pCpu, 'probabilities');
    expect(gGpu.length).toBe(2 * 30 * 30 * 3);
    expect(gCpu.some((v) => v !== 0)).toBe(true);
    expectNear(gGpu, gCpu, 'input gradients', 1e-2);
    reference.dispose();
    candidate.dispose();
  });

  it('training: loss gradients of every trainable weight (batch statistics, seeded dropout) and the moving statistics', async () => {
    const gpu = await gpuEngine();
    const cpu = await cpuEngine();
    const reference = await twin(cpu);
    const weights = await variedWeights(reference);
    reference.setWeights(weights);
    const candidate = await twin(gpu, weights);
    const xValues = uniformValues(3 * 30 * 30 * 3, 0, 1, 21);
    const run = async (e: Engine, model: Sequential): Promise<Float32Array[]> => {
      const x = e.tensor(xValues, [3, 30, 30, 3]);
      const labels = e.tensor([[1, 0], [0, 1], [1, 0]]);
      const loss = (): Tensor => e.categoricalCrossEntropy(model.apply(x, { training: true }), labels);
      const { value, grads } = e.valueAndGrad(loss, model.trainableWeights);
      const out = [await value.data(), ...(await Promise.all(grads.map((g) => g.data()))), ...(await Promise.all(model.nonTrainableWeights.map((w) => w.data())))];
      e.dispose([x, labels, value, grads]);
      return out;
    };
    const cpuOut = await run(cpu, reference);
    const gpuOut = await run(gpu, candidate);
    const names = ['loss', ...reference.trainableWeights.map((w) => `d ${w.name}`), ...reference.nonTrainableWeights.map((w) => w.name)];
    cpuOut.forEach((c, i) => expectNear(gpuOut[i]!, c, names[i]!, 1e-2));
    reference.dispose();
    candidate.dispose();
  });
});
