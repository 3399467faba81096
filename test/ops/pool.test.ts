import { describe, expect, it } from 'vitest';
import type { Pool2dOptions } from '../../src/ops/pool.js';
import { checkOp, gpuMatchesCpu } from '../helpers/gradcheck.js';
import { backends, cpuEngine } from '../helpers/engines.js';
import { expectClose } from '../helpers/allclose.js';

/** [input shape, options]: odd sizes, 'same' and 'valid', overlapping and non-square windows. */
const geometries: [number[], Pool2dOptions][] = [
  [[2, 7, 5, 3], {}],
  [[2, 7, 5, 3], { padding: 'same' }],
  [[1, 7, 5, 2], { poolSize: 3, strides: 2, padding: 'same' }],
  [[1, 7, 6, 2], { poolSize: 3, strides: 2, padding: 'valid' }],
  [[2, 5, 7, 1], { poolSize: [3, 2], strides: [1, 2], padding: 'same' }],
  [[1, 4, 3, 2], { poolSize: [2, 3], strides: 1 }],
  // Non-overlapping windows over whole vec4s of channels (max pooling's blocks kernel): the rows
  // and columns past the last window, gaps between windows, 'same' padding before the first.
  [[2, 7, 5, 4], {}],
  [[1, 7, 5, 8], { padding: 'same' }],
  [[1, 8, 9, 4], { poolSize: 2, strides: 3 }],
  [[1, 7, 8, 4], { poolSize: [3, 2], strides: [3, 2], padding: 'same' }],
];

describe('maxPool2d', () => {
  it('matches finite differences and the GPU', async () => {
    for (const [shape, options] of geometries) {
      await checkOp((_e, x) => x!.maxPool2d(options), [{ shape }]);
    }
  });

  it('second derivatives (max_pool2d_select) match finite differences', async () => {
    for (const [shape, options] of [geometries[2]!, geometries[4]!]) {
      await checkOp((e, x) => e.grad((x) => x.maxPool2d(options).square().sum())(x!)[0]!, [{ shape }]);
    }
  });

  it('covers grids past one workgroup on the GPU', async () => {
    await gpuMatchesCpu((_e, x) => x!.maxPool2d({ poolSize: 3, strides: 2, padding: 'same' }), [{ shape: [3, 17, 19, 7] }]);
  });

  describe.each(backends)('%s', (_name, engine) => {
    it('takes window maxima; the gradient goes to the first maximum in row-major order', async () => {
      const e = await engine();
      const x = e.tensor(Array.from({ length: 16 }, (_, i) => i + 1), [1, 4, 4, 1]);
      expect(await x.maxPool2d().data()).toEqual(new Float32Array([6, 8, 14, 16]));
      // 'same' with pool 3, stride 2 on 4: 2 outputs, 1 padding row, after (TensorFlow's rule).
      expect(await x.maxPool2d({ poolSize: 3, strides: 2, padding: 'same' }).data()).toEqual(new Float32Array([11, 12, 15, 16]));
      // Pool 3, stride 2 on 3: 2 outputs, 2 padding rows, one before and one after.
      const x3 = e.tensor(Array.from({ length: 9 }, (_, i) => 9 - i), [1, 3, 3, 1]);
      expect(await x3.maxPool2d({ poolSize: 3, strides: 2, padding: 'same' }).data()).toEqual(new Float32Array([9, 8, 6, 5]));
      // Window 0 holds 5 three times, window 1 holds 7 twice: the first one in row-major order wins.
      const ties = e.tensor([5, 5, 3, 7, 1, 5, 7, 1], [1, 2, 4, 1]);
      const [g] = e.grad((t) => t.maxPool2d().sum())(ties);
      expect(await g!.data()).toEqual(new Float32Array([1, 0, 0, 1, 0, 0, 0, 0]));
      // The same over four channels (the blocks kernel), each with its own winner; a NaN first wins.
      const channels = [[5, 5, 3, 7, 1, 5, 7, 1], [1, 2, 3, 4, 5, 6, 7, 8], [NaN, 9, 3, 7, 1, 5, 7, 1], [2, 2, 2, 2, 2, 2, 2, 2]];
      const ties4 = e.tensor(Array.from({ length: 32 }, (_, i) => channels[i % 4]![Math.floor(i / 4)]!), [1, 2, 4, 4]);
      const [g4] = e.grad((t) => t.maxPool2d().sum())(ties4);
      const winners = [[1, 0, 0, 1, 0, 0, 0, 0], [0, 0, 0, 0, 0, 1, 0, 1], [1, 0, 0, 1, 0, 0, 0, 0], [1, 0, 1, 0, 0, 0, 0, 0]];
      expect(await g4!.data()).toEqual(new Float32Array(Array.from({ length: 32 }, (_, i) => winners[i % 4]![Math.floor(i / 4)]!)));
      e.dispose([x, x3, ties, g, ties4, g4]);
    });

    it('accumulates the gradient of overlapping windows', async () => {
      const e = await engine();
      const x = e.tensor([0, 1, 2, 3, 9, 4, 5, 6, 8], [1, 3, 3, 1]);
      const [g] = e.grad((t) => t.maxPool2d({ poolSize: 2, strides: 1 }).sum())(x);
      expect(await g!.data()).toEqual(new Float32Array([0, 0, 0, 0, 4, 0, 0, 0, 0]));
      const [g2] = e.grad((t) => t.maxPool2d({ poolSize: [1, 2], strides: 1 }).sum())(x);
      expect(await g2!.data()).toEqual(new Float32Array([0, 1, 1, 0, 2, 0, 0, 1, 1]));
      e.dispose([x, g, g2]);
    });
  });
});

describe('avgPool2d', () => {
  it('matches finite differences and the GPU', async () => {
    for (const [shape, options] of geometries) {
      await checkOp((_e, x) => x!.avgPool2d(options), [{ shape }]);
    }
  });

  it('second derivatives match finite differences', async () => {
    await checkOp((e, x) => e.grad((x) => x.avgPool2d({ poolSize: 3, strides: 2, padding: 'same' }).square().sum())(x!)[0]!, [
      { shape: [1, 5, 4, 2] },
    ]);
  });

  it('covers grids past one workgroup on the GPU', async () => {
    await gpuMatchesCpu((_e, x) => x!.avgPool2d({ poolSize: [2, 3], padding: 'same' }), [{ shape: [3, 17, 19, 7] }]);
  });

  describe.each(backends)('%s', (_name, engine) => {
    it("divides 'same' windows by their number of valid elements (TensorFlow)", async () => {
      const e = await engine();
      const x = e.tensor(Array.from({ length: 9 }, (_, i) => i + 1), [1, 3, 3, 1]);
      const y = x.avgPool2d({ poolSize: 2, strides: 1, padding: 'same' });
      // Pad 0 before, 1 after: the last row and column average fewer elements.
      expectClose(await y.data(), [3, 4, 4.5, 6, 7, 7.5, 7.5, 8.5, 9], 1e-6, 1e-6);
      e.dispose([x, y]);
    });
  });
});

describe('globalAvgPool2d', () => {
  it('matches finite differences and the GPU', async () => {
    await checkOp((_e, x) => x!.globalAvgPool2d(), [{ shape: [2, 5, 3, 4] }]);
    await checkOp((_e, x) => x!.globalAvgPool2d(true), [{ shape: [1, 3, 7, 2] }]);
  });

  it('keeps the spatial axes as size 1 with keepDims', async () => {
    const e = await cpuEngine();
    const x = e.zeros([2, 5, 3, 4]);
    expect(x.globalAvgPool2d().shape).toEqual([2, 4]);
    expect(x.globalAvgPool2d(true).shape).toEqual([2, 1, 1, 4]);
    x.dispose();
  });
});

describe('pooling errors name the op and the shapes', () => {
  it('rejects bad inputs', async () => {
    const e = await cpuEngine();
    const x3 = e.zeros([4, 4, 3]);
    const x = e.zeros([1, 2, 5, 3]);
    expect(() => x3.maxPool2d()).toThrow('maxPool2d: expects a 4-D NHWC input [batch, height, width, channels], got shape [4,4,3]');
    expect(() => x3.globalAvgPool2d()).toThrow('globalAvgPool2d: expects a 4-D NHWC input');
    expect(() => x.avgPool2d({ poolSize: 3 })).toThrow("avgPool2d: pool size [3,3] exceeds the input's spatial size [2,5] (input [1,2,5,3], padding 'valid')");
    expect(() => x.maxPool2d({ poolSize: 0 })).toThrow('maxPool2d: poolSize must be a positive integer');
    expect(() => x.maxPool2d({ strides: [1, 1.5] })).toThrow('maxPool2d: strides must be a positive integer');
    expect(() => x.maxPool2d({ padding: 'full' as 'same' })).toThrow(`maxPool2d: padding must be 'valid' or 'same', got "full"`);
    expect(x.maxPool2d({ poolSize: 3, padding: 'same' }).shape).toEqual([1, 1, 2, 3]);
    e.dispose([x3, x]);
  });
});
