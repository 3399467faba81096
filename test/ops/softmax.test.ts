import { describe, expect, it } from 'vitest';
import type { Engine, Tensor } from '../../src/index.js';
import { checkOp, gpuMatchesCpu } from '../helpers/gradcheck.js';
import { backends, cpuEngine } from '../helpers/engines.js';
import { expectClose } from '../helpers/allclose.js';

/** [shape, axis]: last axis, a middle axis, a size-1 axis, columns past one workgroup of 64. */
const cases: [number[], number][] = [
  [[7], -1],
  [[3, 5], 0],
  [[2, 1, 4], 1],
  [[2, 3, 65], -1],
];

/** Float64 reference: softmax of one row. */
function softmaxRow(z: number[]): number[] {
  const m = Math.max(...z);
  const ex = z.map((v) => Math.exp(v - m));
  const s = ex.reduce((a, b) => a + b, 0);
  return ex.map((v) => v / s);
}

describe('softmax and logSoftmax', () => {
  it('match finite differences and the GPU', async () => {
    for (const [shape, axis] of cases) {
      await checkOp((_e, x) => x!.softmax(axis), [{ shape, range: [-4, 4] }]);
      await checkOp((_e, x) => x!.logSoftmax(axis), [{ shape, range: [-4, 4] }]);
    }
  });

  it('second derivatives match finite differences', async () => {
    await checkOp((e, x) => e.grad((t) => t.softmax().square().sum())(x!)[0]!, [{ shape: [3, 4] }]);
    await checkOp((e, x) => e.grad((t) => t.logSoftmax(0).square().sum())(x!)[0]!, [{ shape: [4, 3] }]);
  });

  it('covers many rows and wide rows on the GPU', async () => {
    await gpuMatchesCpu((_e, x) => x!.softmax(), [{ shape: [3, 700], range: [-20, 20] }]);
    await gpuMatchesCpu((_e, x) => x!.logSoftmax(), [{ shape: [70000, 2], range: [-20, 20] }], { noGrad: true });
  });

  describe.each(backends)('%s', (_name, engine) => {
    it('is finite for logits of ±1e4 and ±80', async () => {
      const e = await engine();
      const rows = [[1e4, -1e4, 0], [-80, 80, 0], [-1e4, -1e4, -1e4]];
      const x = e.tensor(rows);
      const y = await x.softmax().data();
      expectClose(y, rows.flatMap(softmaxRow), 1e-7, 1e-6);
      const ly = await x.logSoftmax().data();
      expectClose(ly, [0, -2e4, -1e4, -160, 0, -80, -Math.log(3), -Math.log(3), -Math.log(3)], 1e-3, 1e-6);
      x.dispose();
    });
  });
});

describe('softmaxCrossEntropy', () => {
  it('matches finite differences and the GPU for logits and soft labels', async () => {
    const reductions = ['mean', 'sum', 'none', 'none'] as const;
    for (const [i, [shape, axis]] of cases.entries()) {
      const reduction = reductions[i]!;
      await checkOp((_e, z, l) => z!.softmaxCrossEntropy(l!, { axis, reduction }), [{ shape, range: [-4, 4] }, { shape, range: [0, 1] }]);
    }
  });

  it('takes one fused dispatch forward and one backward', async () => {
    const e = await cpuEngine();
    const [z, labels, dy] = [e.ones([5, 3]), e.ones([5, 3]), e.ones([5])];
    const tape = e.tape();
    let before = e.stats().dispatches;
    const loss = z.softmaxCrossEntropy(labels, { reduction: 'none' });
    expect(e.stats().dispatches - before).toBe(1);
    tape.stop();
    before = e.stats().dispatches;
    const grads = tape.gradient(loss, [z, labels], dy);
    expect(e.stats().dispatches - before).toBe(1);
    tape.dispose();
    e.dispose([z, labels, dy, loss, grads]);
  });

  it('second derivatives match finite differences', async () => {
    await checkOp((e, z, l) => e.grad((t) => t.softmaxCrossEntropy(l!, { reduction: 'none' }).square().sum())(z!)[0]!, [
      { shape: [3, 4] },
      { shape: [3, 4], range: [0, 1] },
    ]);
  });

  describe.each(backends)('%s', (_name, engine) => {
    it('gives finite losses and exact gradients for logits of ±1e4 and ±80', async () => {
      const e = await engine();
      const rows = [[1e4, -1e4, 0], [-80, 80, 0], [3, -1e4, 1e4]];
      const hot = [1, 0, 2];
      const z = e.tensor(rows);
      const onehot = e.tensor(hot.map((k) => [0, 1, 2].map((c) => (c === k ? 1 : 0))));
      const { value, grads } = e.valueAndGrad(() => z.softmaxCrossEntropy(onehot, { reduction: 'sum' }), [z]);
      // loss = logsumexp(z) - z[label].
      expectClose(await value.data(), [2e4 + 160], 1e-2, 1e-6);
      const expected = rows.flatMap((r, i) => softmaxRow(r).map((p, c) => p - (c === hot[i] ? 1 : 0)));
      expectClose(await grads[0]!.data(), expected, 1e-7, 1e-6);
      const perRow = await z.softmaxCrossEntropy(onehot, { reduction: 'none' }).data();
      expectClose(perRow, [2e4, 160, 0], 1e-2, 1e-6);
      e.dispose([z, onehot, value, grads]);
    });
  });
});

describe('sparseSoftmaxCrossEntropy', () => {
  const labels = (shape: number[], classes: number): number[] =>
    Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => (i * 7 + 3) % classes);

  it('matches finite differences and the GPU', async () => {
    await checkOp((_e, z, l) => z!.sparseSoftmaxCrossEntropy(l!), [{ shape: [5, 4] }, { shape: [5], values: labels([5], 4) }], { wrt: [0] });
    await checkOp((_e, z, l) => z!.sparseSoftmaxCrossEntropy(l!, { axis: 1, reduction: 'none' }), [
      { shape: [2, 3, 5] },
      { shape: [2, 5], values: labels([2, 5], 3) },
    ], { wrt: [0] });
    await checkOp((_e, z, l) => z!.sparseSoftmaxCrossEntropy(l!, { reduction: 'sum' }), [
      { shape: [3, 67] },
      { shape: [3], values: [66, 0, 31] },
    ], { wrt: [0] });
  });

  it('second derivatives match finite differences', async () => {
    await checkOp((e, z, l) => e.grad((t) => t.sparseSoftmaxCrossEntropy(l!, { reduction: 'none' }).square().sum())(z!)[0]!, [
      { shape: [3, 4] },
      { shape: [3], values: [3, 0, 1] },
    ], { wrt: [0] });
  });

  describe.each(backends)('%s', (_name, engine) => {
    it('agrees with the one-hot loss for large logits and refuses labels out of range', async (ctx) => {
      const e = await engine();
      const z = e.tensor([[1e4, -1e4, 0], [-80, 80, 0], [3, -1e4, 1e4]]);
      const onehot = e.tensor([[1, 0, 0], [1, 0, 0], [0, 0, 1]]);
      const ids = e.tensor([0, 0, 2], [3], 'int32');
      const g1 = e.grad((t) => t.sparseSoftmaxCrossEntropy(ids))(z);
      const g2 = e.grad((t) => t.softmaxCrossEntropy(onehot))(z);
      expectClose(await g1[0]!.data(), await g2[0]!.data(), 1e-7, 1e-6);
      expectClose(await z.sparseSoftmaxCrossEntropy(ids, { reduction: 'none' }).data(), [0, 160, 0], 1e-2, 1e-6);
      // Labels the host made are checked at once (labels made on the device: test/engine/misuse.test.ts).
      const bad = e.tensor([0, 3, -1], [3], 'int32');
      expect(() => z.sparseSoftmaxCrossEntropy(bad, { reduction: 'none' })).toThrow(
        'sparseSoftmaxCrossEntropy: labels must be integers in [0, 3), got values in [-1, 3] (labels [3])',
      );
      e.dispose([z, onehot, ids, g1, g2, bad]);
    });
  });
});

describe('categoricalCrossEntropy', () => {
  it('matches finite differences and the GPU', async () => {
    await checkOp((_e, p, l) => p!.categoricalCrossEntropy(l!), [{ shape: [4, 3], range: [0.05, 1] }, { shape: [4, 3], range: [0, 1] }]);
    await checkOp((_e, p, l) => p!.categoricalCrossEntropy(l!, { fromLogits: true, axis: 0 }), [{ shape: [4, 3] }, { shape: [4, 3], range: [0, 1] }]);
  });

  it('renormalises and clips as Keras', async () => {
    const e = await cpuEngine();
    const p = e.tensor([[0.5, 0.5, 0], [2, 1, 1]]);
    const l = e.tensor([[0, 0, 1], [1, 0, 0]]);
    // Row 0: the zero probability is clipped to 1e-7; row 1 is renormalised to [0.5, 0.25, 0.25].
    expectClose(await p.categoricalCrossEntropy(l, { reduction: 'none' }).data(), [-Math.log(1e-7), Math.log(2)], 1e-4, 1e-5);
    e.dispose([p, l]);
  });
});

describe('softmax errors name the op and the shapes', () => {
  it('rejects bad inputs', async () => {
    const e: Engine = await cpuEngine();
    const z = e.zeros([4, 3]);
    const t = (shape: number[]): Tensor => e.zeros(shape);
    expect(() => e.scalar(1).softmax()).toThrow('softmax: expects a tensor of rank >= 1, got a scalar');
    expect(() => z.logSoftmax(2)).toThrow('logSoftmax: axis 2 is out of range for a tensor of rank 2');
    expect(() => z.softmaxCrossEntropy(t([4, 2]))).toThrow('softmaxCrossEntropy: logits [4,3] and labels [4,2] must have the same shape');
    expect(() => z.sparseSoftmaxCrossEntropy(t([3]))).toThrow(
      'sparseSoftmaxCrossEntropy: labels [3] must have the shape of logits [4,3] without the class axis, [4]',
    );
    expect(() => z.softmaxCrossEntropy(t([4, 3]), { reduction: 'avg' as 'mean' })).toThrow(
      `softmaxCrossEntropy: reduction must be 'mean', 'sum' or 'none', got "avg"`,
    );
    expect(() => z.categoricalCrossEntropy(t([3, 4]))).toThrow('categoricalCrossEntropy: probabilities [4,3] and labels [3,4] must have the same shape');
    z.dispose();
  });
});
