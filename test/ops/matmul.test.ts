import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/index.js';
import { checkOp, gpuMatchesCpu } from '../helpers/gradcheck.js';
import { backends, cpu64Engine } from '../helpers/engines.js';
import { expectClose } from '../helpers/allclose.js';
import { settledMemory } from '../helpers/memory.js';

/** op(a) @ op(b) in plain loops, for 2-D stored operands. */
function reference(a: number[][], b: number[][], ta = false, tb = false): number[][] {
  const A = ta ? a[0]!.map((_, j) => a.map((row) => row[j]!)) : a;
  const B = tb ? b[0]!.map((_, j) => b.map((row) => row[j]!)) : b;
  return A.map((row) => B[0]!.map((_, j) => row.reduce((s, v, k) => s + v * B[k]![j]!, 0)));
}

describe('matmul gradients (finite differences) and GPU against CPU', () => {
  // Sizes off the tile grid; each shape picks a different workgroup tiling (n <= 4, m <= 4,
  // n <= 32, m <= 32, square) and k below and above the staged slice depth.
  const shapes: [number[], number[], boolean?, boolean?][] = [
    [[1, 1], [1, 1]],
    [[3, 5], [5, 7]],
    [[65, 33], [33, 17]],
    [[65, 9], [9, 3]],
    [[3, 9], [9, 66]],
    [[17, 9], [9, 66]],
    [[40, 6], [6, 37]],
    [[5, 3], [5, 7], true, false],
    [[3, 5], [7, 5], false, true],
    [[5, 3], [7, 5], true, true],
    [[9, 65], [17, 9], true, true],
    [[2, 3, 4], [4, 5]],
    [[2, 3, 4], [5, 4], false, true],
    [[1, 3, 4], [5, 4, 2]],
    [[2, 1, 3, 4], [3, 4, 2]],
    [[2, 4, 3], [2, 5, 4], true, true],
    [[4], [4]],
    [[4], [4, 3]],
    [[2, 4], [4]],
    [[4], [2, 4, 3]],
    // The vec4 shader (n a multiple of 4, at least 16): partial tiles, aᵀ, batches, shared operands.
    [[65, 5], [5, 36]],
    // 16-28 columns: lanes past n compute clamped columns and drop them.
    [[7, 5], [5, 20]],
    [[3, 9, 5], [3, 5, 16], false, false],
    [[5, 9], [5, 28], true, false],
    [[2, 7], [7, 32]],
    [[5, 3], [5, 44], true, false],
    [[3, 9, 5], [3, 5, 68]],
    [[9, 5], [3, 5, 40]],
    [[3, 2, 5], [5, 64]],
  ];
  for (const [sa, sb, ta = false, tb = false] of shapes) {
    it(`[${sa}]${ta ? 'ᵀ' : ''} x [${sb}]${tb ? 'ᵀ' : ''}`, async () => {
      await checkOp((_e, a, b) => a!.matmul(b!, ta, tb), [{ shape: sa }, { shape: sb }]);
    });
  }

  it('a sizable product [130, 200] x [200, 70] (GPU vs CPU, with gradients)', async () => {
    await gpuMatchesCpu((_e, a, b) => a!.matmul(b!), [{ shape: [130, 200] }, { shape: [200, 70] }], { atol: 1e-3 });
    await gpuMatchesCpu((_e, a, b) => a!.matmul(b!), [{ shape: [133, 201] }, { shape: [201, 136] }], { atol: 1e-3 });
    await gpuMatchesCpu((_e, a, b) => a!.matmul(b!, true), [{ shape: [201, 133] }, { shape: [201, 72] }], { atol: 1e-3, noGrad: true });
    await gpuMatchesCpu((_e, a, b) => a!.matmul(b!, true, true), [{ shape: [200, 130] }, { shape: [70, 200] }], { atol: 1e-3, noGrad: true });
    await gpuMatchesCpu((_e, a, b) => a!.matmul(b!, false, true), [{ shape: [130, 200] }, { shape: [70, 200] }], { atol: 1e-3, noGrad: true });
    // Narrow vec4 outputs (16-28 columns), batched as Winograd's product at MNIST's batch-1 layer.
    await gpuMatchesCpu((_e, a, b) => a!.matmul(b!), [{ shape: [36, 33, 65] }, { shape: [36, 65, 16] }], { atol: 1e-3, noGrad: true });
    await gpuMatchesCpu((_e, a, b) => a!.matmul(b!), [{ shape: [131, 67] }, { shape: [67, 28] }], { atol: 1e-3 });
  });

  it('small products (one element of c per invocation): every transpose flag, batches, a shared operand', async () => {
    // At most 4096 elements of c and k <= 256 (shaders/matmul/matmul_small.wgsl), n not a multiple of 4.
    for (const [sa, sb, ta, tb] of [
      [[20, 3], [3, 7], false, false],
      [[20, 33], [20, 33], false, true],
      [[33, 20], [33, 7], true, false],
      [[33, 20], [7, 33], true, true],
      [[3, 9, 17], [3, 17, 5], false, false],
      [[3, 17, 9], [17, 5], true, false],
      [[9, 17], [4, 5, 17], false, true],
      [[63, 63], [63, 65], false, false],
    ] as [number[], number[], boolean, boolean][]) {
      await gpuMatchesCpu((_e, x, y) => x!.matmul(y!, ta, tb), [{ shape: sa }, { shape: sb }]);
    }
  });

  it('one-row products (the matvec kernel): long k split into chunks, transposed B, batches', async () => {
    // Products of 64K multiply-adds or more split k into chunks (a second pass adds them).
    for (const [sa, sb, ta, tb] of [
      [[1, 1100], [1100, 67], false, false],
      [[1, 1100], [67, 1100], false, true],
      [[1, 1100], [1100, 68], false, false],
      [[3, 1, 2000], [3, 2000, 12], false, false],
      [[1, 14000], [5, 14000], false, true],
      // Smaller ones run in one pass.
      [[1, 700], [700, 67], false, false],
      [[1, 700], [67, 700], false, true],
      [[700, 1], [700, 5], true, false],
      [[3, 1, 300], [3, 300, 9], false, false],
      // B read as vec4s (shaders/matmul/matvec_vec4.wgsl): n, or k with a transposed B, multiples of 4.
      [[1, 700], [700, 68], false, false],
      [[3, 1, 300], [3, 300, 12], false, false],
      [[2, 1, 44], [2, 9, 44], false, true],
      [[1, 302], [5, 302], false, true],
    ] as [number[], number[], boolean, boolean][]) {
      await gpuMatchesCpu((_e, a, b) => a!.matmul(b!, ta, tb), [{ shape: sa }, { shape: sb }]);
    }
    await checkOp((_e, a, b) => a!.matmul(b!, false, true), [{ shape: [1, 300] }, { shape: [2, 300] }], { wrt: [0] });
  });

  it('more batches than one dispatch dimension holds (65537)', async () => {
    await gpuMatchesCpu((_e, a, b) => a!.matmul(b!), [{ shape: [65537, 1, 2] }, { shape: [65537, 2, 1] }], { noGrad: true });
  });

  it('the Gram product x·xᵀ (one gradient product, (dy + dyᵀ)·x) and its second derivatives', async () => {
    // An asymmetric weighting, so that dy ≠ dyᵀ.
    const weights = [0.3, -1.2, 0.7, 2.0, -0.4, 1.1, 0.2, -0.9, 0.5];
    await checkOp((e, x) => x!.matmul(x!, false, true).mul(e.tensor(weights, [3, 3])).sum().reshape([1]), [{ shape: [3, 5] }]);
    await checkOp((e, x) => e.grad((v) => v.matmul(v, false, true).sin().sum())(x!)[0]!, [{ shape: [3, 2] }]);
  });

  it('second derivatives: the gradient of a product of products', async () => {
    await checkOp((e, a, b) => e.grad((x, y) => x.matmul(y).square().sum())(a!, b!)[0]!, [{ shape: [3, 4] }, { shape: [4, 2] }]);
  });
});

describe.each(backends)('matmul on %s', (_name, make) => {
  it('matches plain loops with every transpose flag', async () => {
    const e = await make();
    const a = [[1, 2, 3], [4, 5, 6]];
    const b = [[1, -1], [0, 2], [3, 1]];
    const at = [[1, 4], [2, 5], [3, 6]];
    const bt = [[1, 0, 3], [-1, 2, 1]];
    const expected = reference(a, b);
    for (const [x, y, ta, tb] of [[a, b, false, false], [at, b, true, false], [a, bt, false, true], [at, bt, true, true]] as const) {
      const out = e.tensor(x as number[][]).matmul(e.tensor(y as number[][]), ta, tb);
      expect(out.shape).toEqual([2, 2]);
      expect(await out.array()).toEqual(expected);
      expect(reference(x as number[][], y as number[][], ta, tb)).toEqual(expected);
      out.dispose();
    }
  });

  it('treats 1-D operands as numpy.matmul does', async () => {
    const e = await make();
    const v = e.tensor([1, 2, 3]);
    const m = e.tensor([[1, 0], [0, 1], [1, 1]]);
    expect(v.matmul(v).shape).toEqual([]);
    expect(await v.matmul(v).array()).toEqual(14);
    expect(await v.matmul(m).array()).toEqual([4, 5]);
    expect(await m.matmul(e.tensor([2, 3]), false, false).array()).toEqual([2, 3, 5]);
    expect(v.matmul(e.zeros([4, 3, 2])).shape).toEqual([4, 2]);
    expect(e.zeros([4, 2, 3]).matmul(v).shape).toEqual([4, 2]);
    e.dispose([v, m]);
  });

  it('broadcasts batch dimensions', async () => {
    const e = await make();
    expect(e.zeros([2, 1, 3, 4]).matmul(e.zeros([5, 4, 6])).shape).toEqual([2, 5, 3, 6]);
    expect(e.zeros([3, 4]).matmul(e.zeros([7, 4, 2])).shape).toEqual([7, 3, 2]);
    expect(e.zeros([0, 3, 4]).matmul(e.zeros([4, 2])).shape).toEqual([0, 3, 2]);
    expect(await e.ones([2, 0]).matmul(e.ones([0, 3])).array()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });

  it('dot, outer and tensordot', async () => {
    const e = await make();
    const d = e.tensor([1, 2, 2]);
    expect(await e.dot(d, d).array()).toEqual(9);
    expect(await d.tensordot(d, 1).array()).toEqual(9);
    // A vector against a matrix contracts one axis: b's other axis stays.
    expect(await e.tensor([1, 2]).tensordot(e.tensor([[1, 2], [3, 4]]), 1).array()).toEqual([7, 10]);
    expect(await e.tensor([[1, 2], [3, 4]]).tensordot(e.tensor([1, 2]), 1).array()).toEqual([5, 11]);
    const m = e.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(await m.dot(d).array()).toEqual([11, 26]);
    expect(await e.tensor([1, 1]).dot(m).array()).toEqual([5, 7, 9]);
    expect(await e.outer(e.tensor([1, 2]), e.tensor([3, 4, 5])).array()).toEqual([[3, 4, 5], [6, 8, 10]]);
    expect(e.outer(e.zeros([2, 2]), e.zeros([3])).shape).toEqual([4, 3]);
    // np.tensordot(a, b, axes=([1, 0], [0, 1])) for a [3,4,5], b [4,3,2] -> [5, 2].
    const a = e.tensor(Array.from({ length: 60 }, (_, i) => i % 7), [3, 4, 5]);
    const b = e.tensor(Array.from({ length: 24 }, (_, i) => (i % 5) - 2), [4, 3, 2]);
    const td = a.tensordot(b, [[1, 0], [0, 1]]);
    expect(td.shape).toEqual([5, 2]);
    const av = await a.array() as number[][][];
    const bv = await b.array() as number[][][];
    const expected = Array.from({ length: 5 }, (_, k) =>
      Array.from({ length: 2 }, (_, l) => {
        let s = 0;
        for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) s += av[i]![j]![k]! * bv[j]![i]![l]!;
        return s;
      }));
    expect(await td.array()).toEqual(expected);
    expect(a.tensordot(b, 0).shape).toEqual([3, 4, 5, 4, 3, 2]);
    expect(a.tensordot(e.zeros([5, 2]), 1).shape).toEqual([3, 4, 2]);
    expect(a.tensordot(e.zeros([4, 5, 6]), 2).shape).toEqual([3, 6]);
    expect(a.tensordot(e.zeros([5, 3, 7]), [[-1, 0], [0, 1]]).shape).toEqual([4, 7]);
    e.dispose([d, m, a, b, td]);
  });
});

describe('matmul helpers are differentiable', () => {
  it('tensordot over permuted axes, dot and outer', async () => {
    await checkOp((_e, a, b) => a!.tensordot(b!, [[1, 0], [0, 1]]), [{ shape: [3, 4, 5] }, { shape: [4, 3, 2] }]);
    await checkOp((_e, a, b) => a!.tensordot(b!, [[2], [0]]), [{ shape: [2, 3, 5] }, { shape: [5, 2] }]);
    await checkOp((_e, a, b) => a!.tensordot(b!, [[0], [1]]), [{ shape: [5, 3] }, { shape: [2, 5] }]);
    await checkOp((_e, d) => d!.tensordot(d!, 1), [{ shape: [6] }]);
    await checkOp((_e, a, b) => a!.tensordot(b!, 1), [{ shape: [5] }, { shape: [5, 3] }]);
    await checkOp((e, a, b) => e.dot(a!, b!), [{ shape: [3, 4] }, { shape: [4] }]);
    await checkOp((e, a, b) => e.outer(a!, b!), [{ shape: [3] }, { shape: [4] }]);
  });
});

describe('matmul errors', () => {
  it('name the op and the shapes', async () => {
    const e = await cpu64Engine();
    const z = (...shape: number[]): Tensor => e.zeros(shape);
    expect(() => z(3, 4).matmul(z(5, 2))).toThrow('matmul: inner dimensions differ ([3,4] x [5,2])');
    expect(() => z(4, 3).matmul(z(5, 2), true)).toThrow('matmul: inner dimensions differ ([4,3] x [5,2], transposeA)');
    expect(() => z(2, 3, 4).matmul(z(3, 4, 2))).toThrow('matmul: batch dimensions [2] and [3] cannot be broadcast ([2,3,4] x [3,4,2])');
    expect(() => e.scalar(2).matmul(z(2))).toThrow('matmul: operands must have rank >= 1 ([] x [2])');
    expect(() => z(3).matmul(z(4))).toThrow('matmul: inner dimensions differ ([3] x [4])');
    expect(() => e.dot(z(2, 2, 2), z(2))).toThrow('dot: inputs must be vectors or matrices ([2,2,2] x [2])');
    expect(() => e.dot(z(2, 3), z(2))).toThrow('dot: inner dimensions differ ([2,3] x [2])');
    expect(() => z(2, 3).tensordot(z(2, 3), 1)).toThrow('tensordot: a axis 1 has size 3 but b axis 0 has size 2 ([2,3] x [2,3])');
    expect(() => z(2, 3).tensordot(z(3), 2)).toThrow('tensordot: cannot contract 2 axes ([2,3] x [3])');
    expect(() => z(2, 3).tensordot(z(3, 2), [[0, 1], [0]])).toThrow('tensordot: 2 axes of a against 1 axes of b ([2,3] x [3,2])');
    expect(() => z(2, 3).tensordot(z(3, 2), [[2], [0]])).toThrow('tensordot: axis 2 is out of range for a tensor of rank 2');
  });
});

describe('matmul values', () => {
  it('are close to float64 loops for a product with large k', async () => {
    for (const [, make] of backends) {
      const e = await make();
      const k = 1000;
      const a = Array.from({ length: 2 * k }, (_, i) => Math.sin(i));
      const b = Array.from({ length: k * 3 }, (_, i) => Math.cos(i));
      const out = await e.tensor(a, [2, k]).matmul(e.tensor(b, [k, 3])).data();
      const expected = [0, 1].flatMap((r) => [0, 1, 2].map((c) => {
        let s = 0;
        for (let q = 0; q < k; q++) s += Math.fround(a[r * k + q]!) * Math.fround(b[q * 3 + c]!);
        return s;
      }));
      expectClose(out, expected, 1e-3, 1e-4);
    }
  });
});

describe.each(backends)('matmul on %s frees its intermediates', (_name, make) => {
  it('outside tidy, only the result stays alive', async () => {
    const e = await make();
    const a = e.ones([2, 3, 4]);
    const a4 = e.ones([2, 1, 3, 4]);
    const b = e.ones([3, 4, 5]);
    const c = e.ones([4, 2, 5]);
    const w = e.ones([4, 5]);
    const v = e.ones([4]);
    const before = await settledMemory(e);
    const ops: (() => Tensor)[] = [
      () => a.matmul(w),
      () => a4.matmul(b),
      () => v.matmul(b),
      () => a.matmul(v),
      () => e.dot(v, v),
      () => e.outer(v, v),
      () => a.tensordot(b, [[1, 2], [0, 1]]),
      () => a.tensordot(c, [[0, 2], [1, 0]]),
    ];
    for (const [i, op] of ops.entries()) {
      const y = op();
      await y.data();
      y.dispose();
      expect(e.memory(), `op ${i}`).toEqual(before);
    }
    e.dispose([a, a4, b, c, w, v]);
  });
});
