import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/index.js';
import { checkOp, gpuMatchesCpu } from '../helpers/gradcheck.js';
import { backends, cpuEngine } from '../helpers/engines.js';
import { expectClose } from '../helpers/allclose.js';
import { uniformValues } from '../helpers/random.js';

/** Float64 per-channel mean and population variance of a [rows, channels] flat array. */
function moments(values: number[], channels: number): { mean: number[]; variance: number[] } {
  const rows = values.length / channels;
  const mean = Array.from({ length: channels }, (_, c) => {
    let s = 0;
    for (let r = 0; r < rows; r++) s += values[r * channels + c]!;
    return s / rows;
  });
  const variance = mean.map((m, c) => {
    let s = 0;
    for (let r = 0; r < rows; r++) s += (values[r * channels + c]! - m) ** 2;
    return s / rows;
  });
  return { mean, variance };
}

describe('batchNorm (inference)', () => {
  it('matches finite differences and the GPU for per-channel parameters (fused kernel)', async () => {
    const c = { shape: [4] };
    await checkOp((_e, x, m, v, s, o) => x!.batchNorm(m!, v!, { scale: s!, offset: o! }), [
      { shape: [2, 3, 4] },
      c,
      { shape: [4], range: [0.2, 2] },
      c,
      c,
    ]);
    // [1, C] parameters, a single-value variance and no scale.
    await checkOp((_e, x, m, v, o) => x!.batchNorm(m!, v!, { offset: o!, epsilon: 0.01 }), [
      { shape: [3, 5] },
      { shape: [1, 5] },
      { shape: [], range: [0.2, 2] },
      { shape: [5] },
    ]);
  });

  it('matches finite differences and the GPU for other broadcasts (composed ops)', async () => {
    await checkOp((_e, x, m, v, s) => x!.batchNorm(m!, v!, { scale: s! }), [
      { shape: [2, 3, 4] },
      { shape: [3, 1] },
      { shape: [1, 3, 4], range: [0.2, 2] },
      { shape: [4] },
    ]);
  });

  it('second derivatives match finite differences', async () => {
    await checkOp((e, x, m, v) => e.grad((t) => t.batchNorm(m!, v!).square().sum())(x!)[0]!, [
      { shape: [3, 2] },
      { shape: [2] },
      { shape: [2], range: [0.2, 2] },
    ], { wrt: [0, 2] });
  });
});

describe('batchNormTraining', () => {
  it('y matches finite differences and the GPU for x, gamma and beta', async () => {
    await checkOp((_e, x, g, b) => x!.batchNormTraining({ gamma: g!, beta: b! }).y, [{ shape: [2, 7, 5, 3] }, { shape: [3] }, { shape: [3] }]);
    // 286 rows: two statistics chunks, the second one partial; no gamma or beta.
    await checkOp((_e, x) => x!.batchNormTraining({ epsilon: 0.1 }).y, [{ shape: [2, 13, 11, 3] }]);
    await checkOp((_e, x, g) => x!.batchNormTraining({ gamma: g! }).y, [{ shape: [6, 1] }, { shape: [1] }]);
  });

  it('the batch statistics carry gradients', async () => {
    await checkOp((_e, x) => {
      const { mean, variance } = x!.batchNormTraining();
      return mean.mul(3).add(variance);
    }, [{ shape: [4, 3, 2] }]);
  });

  it('second derivatives match finite differences', async () => {
    await checkOp((e, x, g) => e.grad((t) => t.batchNormTraining({ gamma: g! }).y.square().mul(t).sum())(x!)[0]!, [
      { shape: [5, 2] },
      { shape: [2] },
    ]);
  });

  it('covers many rows, many chunks and several column tiles on the GPU', async () => {
    await gpuMatchesCpu((_e, x, g, b) => x!.batchNormTraining({ gamma: g!, beta: b! }).y, [
      { shape: [4, 40, 33, 3] },
      { shape: [3] },
      { shape: [3] },
    ]);
    await gpuMatchesCpu((_e, x, g) => x!.batchNormTraining({ gamma: g! }).y, [{ shape: [300, 41] }, { shape: [41] }]);
  });

  it('takes three dispatches forward and three backward', async () => {
    const e = await cpuEngine();
    const [x, gamma, beta, dy] = [e.ones([6, 5, 4]), e.ones([4]), e.zeros([4]), e.ones([6, 5, 4])];
    const tape = e.tape();
    let before = e.stats().dispatches;
    const { y, mean, variance } = x.batchNormTraining({ gamma, beta });
    expect(e.stats().dispatches - before).toBe(3);
    tape.stop();
    before = e.stats().dispatches;
    const grads = tape.gradient(y, [x, gamma, beta], dy);
    expect(e.stats().dispatches - before).toBe(3);
    tape.dispose();
    e.dispose([x, gamma, beta, dy, y, mean, variance, grads]);
  });

  describe.each(backends)('%s', (_name, engine) => {
    it('computes the mean and population variance over all axes but the last, stably', async () => {
      const e = await engine();
      const channels = 3;
      // A large offset: sum(x²) - sum(x)²/n would lose every digit in float32.
      const values = uniformValues(700 * channels, -1, 1, 3).map((v, i) => v + 1e4 * (i % channels));
      const x = e.tensor(values, [7, 100, channels]);
      const { y, mean, variance } = x.batchNormTraining({ epsilon: 0 });
      const ref = moments(values.map((v) => Math.fround(v)), channels);
      expectClose(await mean.data(), ref.mean, 1e-3, 1e-6, 'mean');
      expectClose(await variance.data(), ref.variance, 1e-5, 1e-3, 'variance');
      const yRef = values.map((v, i) => (v - ref.mean[i % channels]!) / Math.sqrt(ref.variance[i % channels]!));
      expectClose(await y.data(), yRef, 2e-3, 1e-3, 'y');
      e.dispose([x, y, mean, variance]);
    });

    it('updates moving averages on the device without readbacks', async () => {
      const e = await engine();
      const moving = e.variable(e.tensor([1, 2, 3]), undefined, { trainable: false });
      const batch = e.tensor([11, 12, 13]);
      const before = e.stats().readbacks;
      e.assignMovingAverage(moving, batch);
      e.assignMovingAverage(moving, batch, 0.5);
      expect(e.stats().readbacks).toBe(before);
      // 0.99·x + 0.01·b, then halfway to b.
      expectClose(await moving.data(), [1.1, 2.1, 3.1].map((v, i) => (v + [11, 12, 13][i]!) / 2), 1e-5, 1e-6);
      e.dispose([moving, batch]);
    });
  });
});

describe('batch-norm errors name the op and the shapes', () => {
  it('rejects bad inputs', async () => {
    const e = await cpuEngine();
    const t = (shape: number[]): Tensor => e.ones(shape);
    const x = t([2, 3, 4]);
    expect(() => x.batchNorm(t([3]), t([4]))).toThrow('batchNorm: mean of shape [3] does not broadcast to x of shape [2,3,4]');
    expect(() => x.batchNorm(t([4]), t([4]), { scale: t([1, 2, 3, 4]) })).toThrow(
      'batchNorm: scale of shape [1,2,3,4] does not broadcast to x of shape [2,3,4]',
    );
    expect(() => x.batchNorm(t([4]), t([4]), { epsilon: -1 })).toThrow('batchNorm: epsilon must be a finite number >= 0, got -1');
    expect(() => x.batchNormTraining({ gamma: t([3]) })).toThrow(
      'batchNormTraining: gamma of shape [3] must hold one value per channel of x [2,3,4] ([4])',
    );
    expect(() => e.scalar(1).batchNormTraining()).toThrow('batchNormTraining: x must have rank >= 1 (channels last), got a scalar');
    expect(() => t([0, 4]).batchNormTraining()).toThrow('batchNormTraining: x of shape [0,4] has no elements to take statistics of');
    const v = e.variable(t([4]));
    expect(() => e.assignMovingAverage(v, t([3]))).toThrow(`assignMovingAverage: variable '${v.name}' [4] and value [3] differ in shape`);
    e.dispose([x, v]);
  });
});
