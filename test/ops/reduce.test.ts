import { describe, expect, it } from 'vitest';
import { reductionDefaults, type Axes, type TiePolicy } from '../../src/index.js';
import type { Engine, Tensor } from '../../src/index.js';
import { checkOp, gpuMatchesCpu, readF64 } from '../helpers/gradcheck.js';
import { backends, cpu64Engine } from '../helpers/engines.js';
import { expectClose } from '../helpers/allclose.js';
import { uniformValues } from '../helpers/random.js';
import { settledMemory } from '../helpers/memory.js';

/** Shapes with odd sizes, a size-1 dimension and sizes just past a workgroup of 64 (and 256). */
const axisCases: [number[], Axes[]][] = [
  [[7], [undefined, 0, -1]],
  [[3, 1, 5], [undefined, 1, 2, -3, [0, 2], [-1, 0, 1]]],
  [[4, 65], [undefined, 0, -1]],
  [[257], [undefined]],
];

type Reduction = (x: Tensor, axes: Axes, keepDims: boolean) => Tensor;

/** [name, reduction, input range, options]: ranges keep products and logs well scaled. */
const differentiable: [string, Reduction, [number, number], { gradAtol?: number; gradRtol?: number; atol?: number }?][] = [
  ['sum', (x, a, k) => x.sum(a, k), [-2, 2]],
  ['mean', (x, a, k) => x.mean(a, k), [-2, 2]],
  ['max', (x, a, k) => x.max(a, k), [-2, 2]],
  ['min', (x, a, k) => x.min(a, k), [-2, 2]],
  ['prod', (x, a, k) => x.prod(a, k), [0.85, 1.15], { gradRtol: 1e-3 }],
  ['logSumExp', (x, a, k) => x.logSumExp(a, k), [-3, 3]],
  ['variance', (x, a, k) => x.variance(a, k), [-2, 2]],
  ['std', (x, a, k) => x.std(a, k), [-2, 2]],
];

describe('differentiable reductions over axes, keepDims true and false', () => {
  for (const [name, f, range, options] of differentiable) {
    it(name, async () => {
      for (const [shape, axesList] of axisCases) {
        for (const [i, axes] of axesList.entries()) {
          // Both keepDims values on the first axes of each shape, alternating afterwards.
          const keeps = i === 0 ? [false, true] : [i % 2 === 1];
          for (const keepDims of keeps) {
            await checkOp((_e, x) => f(x!, axes, keepDims), [{ shape, range }], options);
          }
        }
      }
    });
  }
});

describe('norms and non-differentiable reductions', () => {
  it('norm: vector and matrix orders, gradients against finite differences', async () => {
    const cases: [Parameters<Tensor['norm']>[0], number | number[] | undefined, boolean][] = [
      ['euclidean', undefined, false],
      [2, -1, true],
      [1, 0, false],
      [3, 1, false],
      [Infinity, 1, true],
      [-Infinity, undefined, false],
      ['fro', [0, 1], false],
      [1, [0, 1], true],
      [Infinity, [1, 0], false],
      [-1, [-1, -2], false],
    ];
    for (const [ord, axis, keepDims] of cases) {
      await checkOp((_e, x) => x!.norm(ord, axis, keepDims), [{ shape: [4, 5], range: [-2, 2] }]);
    }
  });

  it('argmax, argmin, any and all match the CPU over axes', async () => {
    for (const [shape, axesList] of axisCases) {
      for (const axes of axesList) {
        for (const f of [
          (x: Tensor) => x.argmax(axes),
          (x: Tensor) => x.argmin(axes, true),
          (x: Tensor) => x.greater(1).any(axes),
          (x: Tensor) => x.greater(-1.5).all(axes, true),
        ]) {
          await gpuMatchesCpu((_e, x) => f(x!), [{ shape }], { noGrad: true });
        }
      }
    }
  });
});

describe.each(backends)('reductions on %s', (_name, make) => {
  it('give the expected values and shapes', async () => {
    const e = await make();
    const x = e.tensor([[1, 7, -3], [4, -5, 6]]);
    expect(Array.from(await x.sum().data())).toEqual([10]);
    expect(x.sum(1, true).shape).toEqual([2, 1]);
    expect(Array.from(await x.max(1).data())).toEqual([7, 6]);
    expect(Array.from(await x.min(0).data())).toEqual([1, -5, -3]);
    expect(Array.from(await x.prod(-1).data())).toEqual([-21, -120]);
    expect(Array.from(await x.argmax(1).data())).toEqual([1, 2]);
    expect(x.argmax(1).dtype).toBe('int32');
    expect(Array.from(await x.argmin().data())).toEqual([4]);
    expect(x.argmin(0, true).shape).toEqual([1, 3]);
    expectClose(await x.logSumExp(1).data(), [Math.log(Math.exp(1) + Math.exp(7) + Math.exp(-3)), Math.log(Math.exp(4) + Math.exp(-5) + Math.exp(6))]);
    expectClose(await x.variance(0).data(), [2.25, 36, 20.25]);
    expectClose(await x.std().data(), [Math.sqrt(((1 - 10 / 6) ** 2 + (7 - 10 / 6) ** 2 + (-3 - 10 / 6) ** 2 + (4 - 10 / 6) ** 2 + (-5 - 10 / 6) ** 2 + (6 - 10 / 6) ** 2) / 6)]);
    const b = e.tensor([[1, 0, 0], [1, 1, 1]]);
    expect(await b.any(1).array()).toEqual([true, true]);
    expect(await b.all(1).array()).toEqual([false, true]);
    expect(await b.all(0, true).array()).toEqual([[true, false, false]]);
    expect(b.any().dtype).toBe('bool');
    e.dispose([x, b]);
  });

  it('argmax and argmin over several axes index the reduced block row-major, first at ties', async () => {
    const e = await make();
    const x = e.tensor([[[1, 9], [9, 0]], [[3, 2], [2, 2]]]);
    expect(Array.from(await x.argmax([1, 2]).data())).toEqual([1, 0]);
    expect(Array.from(await x.argmin([0, 2]).data())).toEqual([0, 1]);
    expect(Array.from(await x.argmin([-1, -2]).data())).toEqual([3, 1]);
    x.dispose();
  });

  it('logSumExp is stable for large inputs and -Infinity rows', async () => {
    const e = await make();
    const x = e.tensor([[1000, 1000], [-Infinity, -Infinity], [-1000, 0]]);
    const y = await x.logSumExp(1).data();
    expectClose(y.slice(0, 1), [1000 + Math.log(2)]);
    expect(y[1]).toBe(-Infinity);
    expectClose(y.slice(2), [0]);
    x.dispose();
  });

  it('max and min propagate NaN', async () => {
    const e = await make();
    const x = e.tensor([[1, NaN, 3], [1, 2, 3]]);
    const mx = await x.max(1).data();
    const mn = await x.min(1).data();
    expect(Number.isNaN(mx[0])).toBe(true);
    expect(Number.isNaN(mn[0])).toBe(true);
    expect([mx[1], mn[1]]).toEqual([3, 1]);
    x.dispose();
  });

  it('norms of vectors and matrices match tf.norm', async () => {
    const e = await make();
    const v = e.tensor([3, -4, 0, 1]);
    expectClose(await v.norm().data(), [Math.sqrt(26)]);
    expectClose(await v.norm(1).data(), [8]);
    expectClose(await v.norm(Infinity).data(), [4]);
    expectClose(await v.norm(-Infinity).data(), [0]);
    expectClose(await v.norm(3).data(), [Math.cbrt(27 + 64 + 1)]);
    const m = e.tensor([[1, -2], [-3, 4], [5, 6]]);
    expectClose(await m.norm('fro', [0, 1]).data(), [Math.sqrt(91)]);
    expectClose(await m.norm(1, [0, 1]).data(), [12]);
    expectClose(await m.norm(Infinity, [0, 1]).data(), [11]);
    expectClose(await m.norm(1, [1, 0]).data(), [11]);
    expectClose(await m.norm('euclidean', 1).data(), [Math.sqrt(5), 5, Math.sqrt(61)]);
    expect(m.norm('euclidean', 0, true).shape).toEqual([1, 2]);
    expect(m.norm(1, [-2, -1], true).shape).toEqual([1, 1]);
    expect(m.norm().shape).toEqual([]);
    const [g] = e.grad((t) => t.norm())(e.zeros([3]));
    expect(Array.from(await g!.data())).toEqual([0, 0, 0]);
    g!.dispose();
    e.dispose([v, m]);
  });

  it('reduces a few long rows in two passes', async () => {
    const e = await make();
    const n = 3 * 4099;
    const values = uniformValues(n, -1, 1, 7);
    values[n - 5] = 3; // the maximum, in the last chunk
    values[4100] = 3; // tied, earlier: argmax must pick it
    values[7100] = 3; // tied, later in its row and its column
    values[9] = -2;
    const x = e.tensor(values, [3, 4099]);
    const total = values.reduce((s, v) => s + v, 0);
    expectClose(await x.sum().data(), [total], 2e-3, 1e-4);
    expectClose(await x.mean().data(), [total / n], 1e-6, 1e-4);
    expect(Array.from(await x.max().data())).toEqual([3]);
    expect(Array.from(await x.min().data())).toEqual([-2]);
    expect(Array.from(await x.argmax().data())).toEqual([4100]);
    expect(Array.from(await x.argmin().data())).toEqual([9]);
    const stored = Float32Array.from(values);
    const rowMax = (r: number): number => Math.max(...stored.subarray(r * 4099, (r + 1) * 4099));
    expect(Array.from(await x.argmax(1).data())).toEqual([stored.indexOf(rowMax(0)), 1, 4094]);
    expect(Array.from(await x.max(1).data())).toEqual([rowMax(0), 3, 3]);
    // Down the columns of the [4099, 3] view: column 2 holds 3 at rows 1366 and 2366 (first wins).
    const columns = x.reshape([4099, 3]);
    expect(Array.from(await columns.argmax(0).data()).slice(1)).toEqual([4097, 1366]);
    expect(Array.from(await columns.max(0).data()).slice(1)).toEqual([3, 3]);
    expect(Array.from(await columns.argmin(0).data())[0]).toBe(3);
    expectClose(await columns.sum(0).data(), [0, 1, 2].map((c) => values.filter((_, i) => i % 3 === c).reduce((s, v) => s + v, 0)), 2e-3, 1e-4);
    columns.dispose();
    x.dispose();
  });
});

describe('two-pass reductions match the CPU', () => {
  it('sum, max, min, argmax, argmin and prod of long rows', async () => {
    for (const f of [
      (x: Tensor) => x.sum(),
      (x: Tensor) => x.max(),
      (x: Tensor) => x.min(1),
      (x: Tensor) => x.argmax(),
      (x: Tensor) => x.argmin(1),
      (x: Tensor) => x.mean(1),
    ]) {
      await gpuMatchesCpu((_e, x) => f(x!), [{ shape: [2, 9001] }], { noGrad: true, atol: 1e-3 });
    }
    await gpuMatchesCpu((_e, x) => x!.max().add(x!.sum().mul(1e-3)), [{ shape: [20000] }], { atol: 1e-3 });
    // Leading and middle axes are read with a stride (no transpose), in several passes when long.
    for (const f of [
      (x: Tensor) => x.sum(0),
      (x: Tensor) => x.max(0, true),
      (x: Tensor) => x.argmax(0),
      (x: Tensor) => x.argmin(0, true),
    ]) {
      await gpuMatchesCpu((_e, x) => f(x!), [{ shape: [5000, 3] }], { noGrad: true, atol: 1e-3 });
    }
    for (const f of [(x: Tensor) => x.sum(1), (x: Tensor) => x.min(1), (x: Tensor) => x.argmax(1), (x: Tensor) => x.prod([0, 1])]) {
      await gpuMatchesCpu((_e, x) => f(x!), [{ shape: [2, 3000, 3], range: [0.999, 1.001] }], { noGrad: true, atol: 1e-3 });
    }
    await gpuMatchesCpu((_e, x) => x!.sum(1).add(x!.mean([0, 1], true)), [{ shape: [5, 257, 3] }]);
    await gpuMatchesCpu((_e, x) => x!.prod(), [{ shape: [4500], range: [0.999, 1.001] }], { noGrad: true });
  });
});

describe('gradients at ties', () => {
  /**
   * The article's objective: the smallest angle between unit vectors, min over acos(V Vᵀ) + 2π·I.
   * D is symmetric, so its minimum appears twice, at (i, j) and (j, i).
   */
  function minAngle(e: Engine, v: Tensor, ties: TiePolicy): Tensor {
    const unit = v.div(v.square().sum(1, true).sqrt());
    const cosines = unit.matmul(unit, false, true).clip(-0.999999, 0.999999);
    return cosines.acos().add(e.eye(v.shape[0]!).mul(2 * Math.PI)).min(undefined, false, { ties });
  }

  it('split, all and first route dy as documented on a symmetric matrix', async () => {
    for (const [, make] of backends) {
      const e = await make();
      const d = e.tensor([[9, 1, 5], [1, 9, 1], [5, 1, 9]]);
      const expected: Record<TiePolicy, number[]> = {
        split: [0, 0.25, 0, 0.25, 0, 0.25, 0, 0.25, 0],
        all: [0, 1, 0, 1, 0, 1, 0, 1, 0],
        first: [0, 1, 0, 0, 0, 0, 0, 0, 0],
      };
      for (const ties of ['split', 'all', 'first'] as const) {
        const [g] = e.grad((t) => t.min(undefined, false, { ties }))(d);
        expect(Array.from(await g!.data()), ties).toEqual(expected[ties]);
        // Along axis 1, keepDims: row 1 ties between columns 0 and 2.
        const [gRow] = e.grad((t) => t.min(1, true, { ties }).sum())(d);
        const row1 = Array.from(await gRow!.data()).slice(3, 6);
        expect(row1, ties).toEqual(ties === 'split' ? [0.5, 0, 0.5] : ties === 'all' ? [1, 0, 1] : [1, 0, 0]);
        e.dispose([g, gRow]);
      }
      const [gMax] = e.grad((t) => t.max(0, false, { ties: 'first' }).sum())(d);
      expect(Array.from(await gMax!.data())).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
      e.dispose([d, gMax]);
    }
  });

  it('split and first give the true gradient of the article objective; all doubles it', async () => {
    const spec = [{ shape: [6, 3], values: uniformValues(18, -1, 1, 3) }];
    await checkOp((e, v) => minAngle(e, v!, 'split'), spec, { gradAtol: 1e-4, gradRtol: 1e-3 });
    await checkOp((e, v) => minAngle(e, v!, 'first'), spec, { gradAtol: 1e-4, gradRtol: 1e-3 });
    await gpuMatchesCpu((e, v) => minAngle(e, v!, 'all'), spec);
    const e = await cpu64Engine();
    const v = e.tensor(spec[0]!.values, [6, 3]);
    const [split] = e.grad((t) => minAngle(e, t, 'split'))(v);
    const [all] = e.grad((t) => minAngle(e, t, 'all'))(v);
    expectClose(await readF64(all!), Array.from(await readF64(split!)).map((g) => 2 * g), 1e-9, 1e-9);
    e.dispose([v, split, all]);
  });

  it('reductionDefaults.ties changes the default policy', async () => {
    const e = await cpu64Engine();
    const d = e.tensor([2, 1, 1]);
    reductionDefaults.ties = 'first';
    try {
      const [g] = e.grad((t) => t.min())(d);
      expect(Array.from(await g!.data())).toEqual([0, 1, 0]);
      g!.dispose();
    } finally {
      reductionDefaults.ties = 'split';
    }
    const [g] = e.grad((t) => t.min())(d);
    expect(Array.from(await g!.data())).toEqual([0, 0.5, 0.5]);
    e.dispose([d, g]);
  });
});

describe('prod with zeros', () => {
  const withZeros = [0, 2, 3, 0, 0, 5, 1, 2, 4, -1, 0.5, 0];

  it('has the gradient of the product of the others', async () => {
    const e = await cpu64Engine();
    const x = e.tensor(withZeros, [4, 3]);
    const [g] = e.grad((t) => t.prod(1).sum())(x);
    expect(Array.from(await readF64(g!), (v) => v + 0)).toEqual([6, 0, 0, 0, 0, 0, 8, 4, 2, 0, 0, -0.5]);
    e.dispose([x, g]);
  });

  it('has the right second derivative (Hessian of x0·x1·x2 at [0, 2, 3])', async () => {
    const e = await cpu64Engine();
    const x = e.tensor([0, 2, 3]);
    const hessianRows: number[][] = [];
    for (let i = 0; i < 3; i++) {
      const [h] = e.grad((t) => e.grad((u) => u.prod())(t)[0]!.mul(e.tensor([0, 1, 2].map((j) => (j === i ? 1 : 0)))).sum())(x);
      hessianRows.push(Array.from(await readF64(h!)));
      h!.dispose();
    }
    expect(hessianRows).toEqual([[0, 3, 2], [3, 0, 0], [2, 0, 0]]);
    x.dispose();
  });

  it('gradient and its gradient match finite differences and the GPU, short and long rows', async () => {
    const gradOfProd = (e: Engine, x: Tensor, axes: Axes): Tensor => e.grad((t) => t.prod(axes).sum())(x)[0]!;
    await checkOp((e, x) => gradOfProd(e, x!, 1), [{ shape: [4, 3], values: withZeros }]);
    await checkOp((e, x) => gradOfProd(e, x!, [0, 2]), [{ shape: [3, 2, 3], values: [...withZeros, 1, 0, 2, -1, 1.5, 1] }]);
    const long = uniformValues(37, 0.7, 1.3, 5);
    long[3] = 0;
    long[30] = 0;
    await checkOp((_e, x) => x!.prod(), [{ shape: [37], values: long }]);
    long[30] = 1.1;
    await checkOp((e, x) => gradOfProd(e, x!, undefined), [{ shape: [37], values: long }]);
  });
});

describe('reduction errors', () => {
  it('name the op, the axis and the shape', async () => {
    const e = await cpu64Engine();
    const x = e.tensor([[1, 2], [3, 4]]);
    expect(() => x.sum(2)).toThrow('sum: axis 2 is out of range for a tensor of rank 2');
    expect(() => x.max(-3)).toThrow('max: axis -3 is out of range for a tensor of rank 2');
    expect(() => x.argmax(0.5)).toThrow('argmax: axes must be integers, got 0.5');
    expect(() => x.min(0, false, { ties: 'most' as TiePolicy })).toThrow("min: ties must be 'split', 'all' or 'first'");
    expect(() => x.norm(2, [0, 1])).toThrow('norm: the matrix 2-norm (singular values) is not supported');
    expect(() => x.norm(0)).toThrow('norm: ord 0 is not supported for vectors');
    expect(() => x.norm('fro', [0, 0])).toThrow('norm: the matrix axes [0,0] must be two different axes of [2,2]');
    expect(() => x.norm('fro', [0, 1, 1])).toThrow('norm: axis must be an integer or a pair of integers, got [0,1,1]');
    expect(() => e.zeros([2, 0]).argmax(1)).toThrow('argmax: cannot reduce an empty axis of [2,0]');
    x.dispose();
  });

  it('reduce empty axes to the identity', async () => {
    const e = await cpu64Engine();
    const x = e.zeros([2, 0]);
    expect(Array.from(await x.sum(1).data())).toEqual([0, 0]);
    expect(Array.from(await x.prod(1).data())).toEqual([1, 1]);
    expect(await x.any(1).array()).toEqual([false, false]);
    expect(await x.all(1).array()).toEqual([true, true]);
    expect(Array.from(await x.all(1).data())).toEqual([1, 1]);
    expect(Array.from(await x.max(1).data())).toEqual([-Infinity, -Infinity]);
    x.dispose();
  });
});

describe.each(backends)('reductions on %s free their intermediates', (_name, make) => {
  it('outside tidy, only the result stays alive', async () => {
    const e = await make();
    const x = e.tensor(uniformValues(3 * 4100, -2, 2, 3), [3, 4100]);
    const before = await settledMemory(e);
    const ops: ((t: Tensor) => Tensor)[] = [
      (t) => t.sum(),
      (t) => t.mean(0),
      (t) => t.max(1, true),
      (t) => t.argmin(),
      (t) => t.prod(0),
      (t) => t.logSumExp(1),
      (t) => t.variance([0, 1]),
      (t) => t.std(0, true),
      (t) => t.norm(),
      (t) => t.norm(3, 1),
      (t) => t.norm(1, [0, 1]),
      (t) => t.any(1),
      (t) => t.all(),
    ];
    for (const [i, op] of ops.entries()) {
      const y = op(x);
      await y.data();
      y.dispose();
      expect(e.memory(), `op ${i}`).toEqual(before);
    }
    x.dispose();
  });
});
