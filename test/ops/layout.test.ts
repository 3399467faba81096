import { describe, expect, it } from 'vitest';
import type { Engine, Tensor } from '../../src/index.js';
import { checkOp, type OpFn } from '../helpers/gradcheck.js';
import { backends, cpuEngine, cpu64Engine } from '../helpers/engines.js';
import { settledMemory } from '../helpers/memory.js';

/** Forward values of an op on every backend, against expected nested arrays. */
async function expectValues(f: (e: Engine) => Tensor, expected: unknown, shape?: number[]): Promise<void> {
  for (const [, make] of backends) {
    const e = await make();
    const y = f(e);
    if (shape) expect(y.shape).toEqual(shape);
    expect(await y.array()).toEqual(expected);
    e.dispose(y);
  }
}

/** 0, 1, 2, ... as a tensor of `shape`. */
const iota = (e: Engine, shape: number[]): Tensor =>
  e.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i), shape);

describe('views: reshape, expandDims, squeeze, flatten', () => {
  it('differentiates and matches on the GPU', async () => {
    await checkOp((_e, x) => x!.reshape([5, -1]).mul(x!.reshape([5, 3])), [{ shape: [3, 1, 5] }]);
    await checkOp((_e, x) => x!.expandDims(1).expandDims(-1).squeeze([1]).flatten(), [{ shape: [3, 5] }]);
    await checkOp((_e, x) => x!.squeeze().transpose(), [{ shape: [1, 3, 1, 7, 1] }]);
  });

  it('have the shapes of numpy', async () => {
    const e = await cpuEngine();
    const x = e.zeros([2, 1, 3]);
    expect(x.expandDims().shape).toEqual([1, 2, 1, 3]);
    expect(x.expandDims(-1).shape).toEqual([2, 1, 3, 1]);
    expect(x.expandDims(3).shape).toEqual([2, 1, 3, 1]);
    expect(x.squeeze().shape).toEqual([2, 3]);
    expect(x.squeeze(-2).shape).toEqual([2, 3]);
    expect(x.flatten().shape).toEqual([6]);
    expect(e.scalar(3).flatten().shape).toEqual([1]);
  });

  it('reject bad axes, naming the op and the shape', async () => {
    const e = await cpuEngine();
    const x = e.zeros([2, 1, 3]);
    expect(() => x.expandDims(4)).toThrow('expandDims: axis 4 is out of range for inserting into shape [2,1,3] (rank 3)');
    expect(() => x.squeeze(0)).toThrow('squeeze: axis 0 of shape [2,1,3] has size 2, not 1');
    expect(() => x.squeeze(3)).toThrow('squeeze: axis 3 is out of range for shape [2,1,3] (rank 3)');
  });
});

describe('slice', () => {
  it('differentiates on odd shapes, size-1 dims and past 256', async () => {
    await checkOp((_e, x) => x!.slice([1, 2], [3, -1]), [{ shape: [5, 7] }]);
    await checkOp((_e, x) => x!.slice(1), [{ shape: [3, 1, 5] }]);
    await checkOp((_e, x) => x!.slice([0, 0, 2], [-1, 1, 2]), [{ shape: [3, 1, 5] }]);
    await checkOp((_e, x) => x!.slice([3], [257]), [{ shape: [263] }]);
  });

  it('takes the same values as tf.slice', async () => {
    await expectValues((e) => iota(e, [3, 4]).slice([1, 1], [2, 2]), [[5, 6], [9, 10]]);
    await expectValues((e) => iota(e, [3, 4]).slice(2), [[8, 9, 10, 11]]);
    await expectValues((e) => iota(e, [3, 4]).slice([0, 3]), [[3], [7], [11]]);
    await expectValues((e) => iota(e, [3, 4]).slice([1, 0], [0, -1]), [], [0, 4]);
  });

  it('rejects out-of-range slices, naming the shape', async () => {
    const e = await cpuEngine();
    const x = e.zeros([3, 4]);
    expect(() => x.slice([1, 2], [3, 1])).toThrow('slice: begin [1,2] and size [3,1] are out of range for shape [3,4] (dimension 0)');
    expect(() => x.slice([0, -1])).toThrow('slice: begin [0,-1] and size undefined are out of range for shape [3,4] (dimension 1)');
    expect(() => x.slice([0, 0, 0])).toThrow('more entries than shape [3,4] has dimensions');
  });
});

describe('stridedSlice and reverse', () => {
  it('takes numpy slices: negative indices and strides, clamping, masks', async () => {
    // x[::-1, 1::2] of a [3,4] ramp.
    await expectValues((e) => iota(e, [3, 4]).stridedSlice([0, 1], [0, 4], [-1, 2], { beginMask: 1, endMask: 1 }), [
      [9, 11],
      [5, 7],
      [1, 3],
    ]);
    // x[-1:0:-1, -3:-1] and clamped bounds x[-100:100:2].
    await expectValues((e) => iota(e, [3, 4]).stridedSlice([-1, -3], [0, -1], [-1, 1]), [[9, 10], [5, 6]]);
    await expectValues((e) => iota(e, [7]).stridedSlice([-100], [100], [3]), [0, 3, 6]);
    // Empty results and an index (shrink) axis: x[1, ::-2].
    await expectValues((e) => iota(e, [3, 4]).stridedSlice([2], [1]), [], [0, 4]);
    await expectValues((e) => iota(e, [3, 4]).stridedSlice([1, 0], [0, 0], [1, -2], { shrinkAxisMask: 1, beginMask: 2, endMask: 2 }), [7, 5], [2]);
  });

  it('differentiates through negative strides and shrunk axes', async () => {
    await checkOp((_e, x) => x!.stridedSlice([-1, 1], [0, 7], [-2, 3]), [{ shape: [5, 7] }]);
    await checkOp((_e, x) => x!.stridedSlice([1, 0, 4], [0, 1, 0], [1, 1, -1], { shrinkAxisMask: 1, endMask: 4 }), [{ shape: [3, 1, 5] }]);
    await checkOp((_e, x) => x!.stridedSlice([260], [0], [-7], { endMask: 1 }), [{ shape: [261] }]);
  });

  it('copies and pads rows of whole fours sharing their outer indexing (GPU)', async () => {
    // copy_strided.wgsl: four elements per invocation, one source found per four when the
    // innermost axis holds whole fours: a transpose, reversed and strided rows, a broadcast
    // (innermost stride 0), a slice past a workgroup (1024 elements) with a tail.
    await checkOp((_e, x) => x!.transpose(), [{ shape: [8, 7] }]);
    await checkOp((_e, x) => x!.reverse(-1), [{ shape: [3, 8] }]);
    await checkOp((_e, x) => x!.stridedSlice([0, 1], [3, 16], [1, 2]), [{ shape: [3, 16] }]);
    await checkOp((_e, x) => x!.broadcastTo([3, 8]), [{ shape: [3, 1] }]);
    await checkOp((_e, x) => x!.slice([1, 0], [2, 1028]), [{ shape: [4, 1030] }], { noGrad: true });
    // pad_strided.wgsl alike: the outer dimensions matched once per four (pads, and the strided
    // slice's gradient above).
    await checkOp((_e, x) => x!.pad([[1, 2], [3, 1]], 0.5), [{ shape: [3, 4] }]);
    await checkOp((_e, x) => x!.pad([[0, 1], [1, 2]]), [{ shape: [5, 1021] }], { noGrad: true });
    await checkOp((_e, x) => x!.pad([[2, 0], [1, 1]]), [{ shape: [3, 5] }]);
  });

  it('reverses any axes', async () => {
    await expectValues((e) => iota(e, [2, 3]).reverse(), [[5, 4, 3], [2, 1, 0]]);
    await expectValues((e) => iota(e, [2, 3]).reverse(-1), [[2, 1, 0], [5, 4, 3]]);
    await checkOp((_e, x) => x!.reverse([0, 2]).mul(x!), [{ shape: [3, 1, 5] }]);
  });

  it('rejects zero strides and out-of-range indices', async () => {
    const e = await cpuEngine();
    const x = e.zeros([3, 4]);
    expect(() => x.stridedSlice([0], [2], [0])).toThrow('stridedSlice: stride 0 of dimension 0 must be a non-zero integer');
    expect(() => x.stridedSlice([3], [4], [1], { shrinkAxisMask: 1 })).toThrow('stridedSlice: index 3 is out of range for dimension 0 of shape [3,4]');
  });
});

describe('index, unstack, split', () => {
  it('indexes rows with negative indices and differentiates', async () => {
    await expectValues((e) => iota(e, [3, 2]).index(-1), [4, 5], [2]);
    await expectValues((e) => iota(e, [3]).index(1), 1, []);
    await checkOp((_e, x) => x!.index(2).mul(x!.index(-5)), [{ shape: [5, 1, 3] }]);
  });

  it('differentiates stack([x[0] - x[2], x[1]])', async () => {
    await checkOp((e, x) => e.stack([x!.index(0).sub(x!.index(2)), x!.index(1)]).square(), [{ shape: [3, 4] }]);
    // And the second derivative: d/dx sum(grad) where grad = 2·(x0 - x2) scattered back.
    const e = await cpu64Engine();
    const x = e.tensor([1, 2, 3, 4, 5, 6], [3, 2]);
    const loss = (y: Tensor): Tensor => e.stack([y.index(0).sub(y.index(2)), y.index(1)]).square().sum();
    const [g] = e.grad(loss)(x);
    expect(await g!.array()).toEqual([[-8, -8], [6, 8], [8, 8]]);
    const [gg] = e.grad((y) => e.grad(loss)(y)[0]!.mul(y).sum())(x);
    // d/dx sum(g ⊙ x) = g + H x, with H x = 2·[x0 - x2, x1, x2 - x0].
    expect(await gg!.array()).toEqual([[-16, -16], [12, 16], [16, 16]]);
  });

  it('unstacks and splits along any axis', async () => {
    const e = await cpuEngine();
    const x = iota(e, [2, 3]);
    expect(await Promise.all(x.unstack(1).map((t) => t.array()))).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(await Promise.all(x.split([1, -1], 1).map((t) => t.array()))).toEqual([[[0], [3]], [[1, 2], [4, 5]]]);
    expect(x.split(3, -1).map((t) => t.shape)).toEqual([[2, 1], [2, 1], [2, 1]]);
    await checkOp((e, x) => e.concat(x!.unstack(2).map((t, i) => t.mul(i + 1)), 1), [{ shape: [3, 1, 5] }]);
    await checkOp((e, x) => { const [a, b, c] = x!.split([2, 257, -1]); return e.concat([c!, a!.mul(b!.slice(0, 2))]); }, [{ shape: [262] }]);
  });

  it('rejects bad indices and sizes, naming the shape', async () => {
    const e = await cpuEngine();
    const x = e.zeros([3, 4]);
    expect(() => x.index(3)).toThrow('index: index 3 is out of range for axis 0 of shape [3,4]');
    expect(() => x.index(-4)).toThrow('index: index -4 is out of range for axis 0 of shape [3,4]');
    expect(() => e.scalar(1).index(0)).toThrow('index: a scalar (shape []) cannot be indexed');
    expect(() => x.split(3, 1)).toThrow('split: axis 1 of shape [3,4] (size 4) cannot be split into 3 equal parts');
    expect(() => x.split([1, 1], 1)).toThrow('split: sizes [1,1] do not add up to size 4 of axis 1 of shape [3,4]');
    expect(() => x.unstack(2)).toThrow('unstack: axis 2 is out of range for shape [3,4] (rank 2)');
  });
});

describe('concat and stack', () => {
  it('differentiates along any axis, with unequal blocks and past 256', async () => {
    const f: OpFn = (e, a, b, c) => e.concat([a!, b!, c!], 1);
    await checkOp(f, [{ shape: [3, 1, 5] }, { shape: [3, 4, 5] }, { shape: [3, 2, 5] }]);
    await checkOp((e, a, b) => e.concat([a!, b!], -1), [{ shape: [2, 3] }, { shape: [2, 1] }]);
    await checkOp((e, a, b) => e.concat([a!, b!]), [{ shape: [257] }, { shape: [3] }]);
    await checkOp((e, a) => e.concat([a!]), [{ shape: [2, 3] }]);
  });

  it('joins the values of tf.concat and tf.stack', async () => {
    await expectValues((e) => e.concat([iota(e, [2, 1]), iota(e, [2, 2]).add(10)], 1), [[0, 10, 11], [1, 12, 13]]);
    await expectValues((e) => e.stack([iota(e, [2]), iota(e, [2]).add(5)], 1), [[0, 5], [1, 6]]);
    await expectValues((e) => e.stack([e.scalar(1), e.scalar(2)]), [1, 2]);
    await expectValues((e) => e.concat([e.zeros([0, 2]), iota(e, [1, 2])]), [[0, 1]]);
  });

  it('stacks with gradients along a middle axis', async () => {
    await checkOp((e, a, b) => e.stack([a!, b!.mul(a!)], 1), [{ shape: [3, 5] }, { shape: [3, 5] }]);
  });

  it('keeps the dtype of int32 inputs', async () => {
    const e = await cpuEngine();
    const i = e.tensor([1, 2], [2], 'int32');
    expect(e.concat([i, i]).dtype).toBe('int32');
    expect(e.concat([i, e.zeros([1])]).dtype).toBe('float32');
  });

  it('rejects mismatched shapes and bad axes, naming the op and the shapes', async () => {
    const e = await cpuEngine();
    const [a, b] = [e.zeros([2, 3]), e.zeros([3, 3])];
    expect(() => e.concat([a, b], 1)).toThrow('concat: shapes [2,3], [3,3] differ outside axis 1');
    expect(() => e.concat([a, e.zeros([2, 3, 1])], 0)).toThrow('concat: shapes [2,3], [2,3,1] differ outside axis 0');
    expect(() => e.concat([a, b], 2)).toThrow('concat: axis 2 is out of range for shapes [2,3], [3,3] (rank 2)');
    expect(() => e.concat([])).toThrow('concat: tensors must be a non-empty array of tensors, got []');
    expect(() => e.stack([a, b])).toThrow('stack: shapes [2,3], [3,3] differ');
    expect(() => e.stack([a, a], 3)).toThrow('stack: axis 3 is out of range for inserting into shape [2,3] (rank 2)');
  });
});

describe('gather', () => {
  it('picks rows and columns with repeated and negative indices', async () => {
    await expectValues((e) => iota(e, [3, 2]).gather([2, 0, 2]), [[4, 5], [0, 1], [4, 5]]);
    await expectValues((e) => iota(e, [2, 3]).gather([-1, 0], 1), [[2, 0], [5, 3]]);
    await expectValues((e) => iota(e, [4]).gather(e.tensor([[3, 1], [0, -1]], undefined, 'int32')), [[3, 1], [0, 3]], [2, 2]);
  });

  it('adds the gradients of repeated indices, to any order', async () => {
    const idx = [4, 0, 4, -1, 2];
    await checkOp((_e, x) => x!.gather(idx), [{ shape: [5, 3] }]);
    await checkOp((_e, x) => x!.gather(idx, 1), [{ shape: [3, 5] }]);
    await checkOp((e, x) => x!.gather(e.tensor([[1, 0], [2, 2]], undefined, 'int32'), 1), [{ shape: [2, 3, 4] }]);
    await checkOp((_e, x) => x!.gather([256, 3, 256, 0], 0), [{ shape: [257] }]);
    // Second order: d/dx sum((dL/dx)²) with L = sum(gather(x)²) goes through gather's gradient kernel.
    await checkOp((e, x) => e.grad((y) => y.gather([1, 1, 0]).square().sum())(x!)[0]!.square(), [{ shape: [3, 2] }]);
  });

  it('rejects out-of-range and non-int32 indices', async () => {
    const e = await cpuEngine();
    const x = e.zeros([3, 2]);
    expect(() => x.gather([3])).toThrow('gather: index 3 is out of range for axis 0 of shape [3,2]');
    expect(() => x.gather([0], 2)).toThrow('gather: axis 2 is out of range for shape [3,2] (rank 2)');
    expect(() => x.gather(e.tensor([0]))).toThrow('gather: indices must be int32, got float32 of shape [1]');
  });
});

describe('tile and pad', () => {
  it('tiles and sums the tiles in the gradient', async () => {
    await expectValues((e) => iota(e, [2, 2]).tile([1, 2]), [[0, 1, 0, 1], [2, 3, 2, 3]]);
    await checkOp((_e, x) => x!.tile([2, 3, 1]), [{ shape: [3, 1, 5] }]);
    await checkOp((_e, x) => x!.tile([3]), [{ shape: [86] }]);
    await checkOp((e, x) => e.grad((y) => y.tile([2, 2]).square().sum())(x!)[0]!.square(), [{ shape: [2, 3] }]);
  });

  it('pads with a constant and slices the gradient back out', async () => {
    await expectValues((e) => iota(e, [1, 2]).add(1).pad([[1, 0], [0, 2]], -1), [[-1, -1, -1, -1], [1, 2, -1, -1]]);
    await checkOp((_e, x) => x!.pad([[1, 2], [0, 0], [3, 1]]), [{ shape: [3, 1, 5] }]);
    await checkOp((_e, x) => x!.pad([[0, 3]], 2), [{ shape: [257] }]);
    await checkOp((e, x) => e.grad((y) => y.pad([[2, 1]]).pow(3).sum())(x!)[0]!, [{ shape: [4] }]);
  });

  it('rejects mismatched reps and paddings', async () => {
    const e = await cpuEngine();
    const x = e.zeros([2, 3]);
    expect(() => x.tile([2])).toThrow('tile: reps [2] has 1 entries for a tensor of shape [2,3] (rank 2)');
    expect(() => x.pad([[1, 1]])).toThrow('pad: paddings [[1,1]] has 1 entries for a tensor of shape [2,3] (rank 2)');
    expect(() => x.pad([[1, 1], [-1, 0]])).toThrow('must be [before, after] pairs of non-negative integers');
  });
});

describe('memory', () => {
  it('leaves no tensors behind, gradients included', async () => {
    for (const [, make] of backends) {
      const e = await make();
      const before = await settledMemory(e);
      const x = iota(e, [4, 3]);
      // Ops outside a tidy: only their results stay (gather's index tensor, stack's views go).
      const results = [x.gather([3, 1]), e.stack([x, x], 1), e.concat([x, x]), x.pad([[1, 0], [0, 1]]), x.tile([1, 2]), ...x.split(2)];
      e.dispose(results);
      const { value, grads } = e.valueAndGrad(
        () => e.stack([x.index(0), x.gather([2, 2]).sum(0), x.stridedSlice([3], [0], [-2]).sum(0)]).pad([[0, 1], [1, 0]]).tile([2, 1]).sum(),
        [x],
      );
      expect(await grads[0]!.array()).toEqual([[1, 1, 1], [2, 2, 2], [2, 2, 2], [2, 2, 2]].map((r, i) => r.map(() => [2, 2, 4, 2][i]!)));
      e.dispose([value, grads, x]);
      expect(e.memory()).toEqual(before);
    }
  });
});
