// Tensors made on the device: constants, identity matrices and seeded random numbers.
import { expect } from '../expect.js';
import { gpuEngine, take, takeArray } from '../engines.js';
import { describe, it } from '../runner.js';

describe('creation ops', () => {
  it('zeros, ones, fill and zerosLike', async () => {
    const e = await gpuEngine();
    expect(await takeArray(e.zeros([2, 2]))).toEqual([[0, 0], [0, 0]]);
    expect(await take(e.ones([3]))).toAllClose([1, 1, 1]);
    expect(await take(e.fill([2], 7.5))).toAllClose([7.5, 7.5]);
    const x = e.tensor([1, 2, 3]);
    expect(await take(x.zerosLike())).toAllClose([0, 0, 0]);
    x.dispose();
  });

  it('eye', async () => {
    const e = await gpuEngine();
    expect(await takeArray(e.eye(3))).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  });

  it('randomNormal has mean 0 and standard deviation 1, reproducibly from a seed', async () => {
    const e = await gpuEngine();
    const values = await take(e.randomNormal([4096], { seed: 7 }));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(std - 1)).toBeLessThan(0.05);
    expect(await take(e.randomNormal([4096], { seed: 7 }))).toAllClose(values, { atol: 0, rtol: 0 });
  });
});
