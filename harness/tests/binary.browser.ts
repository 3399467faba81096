// Elementwise binary ops with numpy broadcasting: exact values and WebGPU against the CPU.
import { expect } from '../expect.js';
import { expectSameAsCpu, gpuEngine, take, takeArray } from '../engines.js';
import { describe, it } from '../runner.js';

const a = [[1, -2, 3.5], [0.25, 5, -6]];
const b = [[2], [-4]];

describe('binary ops', () => {
  it('add, sub, mul, div broadcast [2,3] with [2,1]', async () => {
    const e = await gpuEngine();
    const [x, y] = [e.tensor(a), e.tensor(b)];
    expect(await takeArray(x.add(y))).toEqual([[3, 0, 5.5], [-3.75, 1, -10]]);
    expect(await takeArray(x.sub(y))).toEqual([[-1, -4, 1.5], [4.25, 9, -2]]);
    expect(await takeArray(x.mul(y))).toEqual([[2, -4, 7], [-1, -20, 24]]);
    expect(await take(x.div(y))).toAllClose([0.5, -1, 1.75, -0.0625, -1.25, 1.5]);
    e.dispose([x, y]);
  });

  it('pow, maximum and squaredDifference match the CPU on [17,1] x [1,33]', async () => {
    const col = Array.from({ length: 17 }, (_, i) => [0.1 + i / 8]);
    const row = [Array.from({ length: 33 }, (_, j) => (j - 16) / 9)];
    await expectSameAsCpu((e) => e.tensor(col).pow(e.tensor(row)), { rtol: 1e-4 });
    await expectSameAsCpu((e) => e.tensor(col).maximum(e.tensor(row)));
    await expectSameAsCpu((e) => e.tensor(col).squaredDifference(e.tensor(row)));
  });

  it('comparisons give bool tensors and where selects', async () => {
    const e = await gpuEngine();
    const x = e.tensor([1, 5, 3, -2]);
    const y = e.tensor([2, 5, 1, -3]);
    const greater = x.greater(y);
    expect(greater.dtype).toBe('bool');
    expect(await greater.array()).toEqual([false, false, true, true]);
    expect(await take(e.where(greater, x, y))).toAllClose([2, 5, 3, -2]);
    e.dispose([x, y, greater]);
  });
});
