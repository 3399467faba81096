// Shape ops: reshape (a view), transpose, broadcastTo, concat and slice.
import { expect } from '../expect.js';
import { expectSameAsCpu, gpuEngine, takeArray } from '../engines.js';
import { describe, it } from '../runner.js';

const iota = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('layout ops', () => {
  it('reshape, transpose and broadcastTo', async () => {
    const e = await gpuEngine();
    const x = e.tensor(iota(6), [2, 3]);
    expect(await takeArray(x.reshape([3, -1]))).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(await takeArray(x.transpose())).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(await takeArray(e.tidy(() => e.tensor([1, 2, 3]).broadcastTo([2, 3])))).toEqual([[1, 2, 3], [1, 2, 3]]);
    x.dispose();
  });

  it('transpose of [3,17,5] by [2,0,1] matches the CPU', () =>
    expectSameAsCpu((e) => e.tensor(iota(3 * 17 * 5), [3, 17, 5]).transpose([2, 0, 1])));

  it('concat and slice', async () => {
    const e = await gpuEngine();
    const a = e.tensor([[1, 2], [3, 4]]);
    const b = e.tensor([[5], [6]]);
    expect(await takeArray(e.concat([a, b], 1))).toEqual([[1, 2, 5], [3, 4, 6]]);
    expect(await takeArray(e.concat([a, a], 0))).toEqual([[1, 2], [3, 4], [1, 2], [3, 4]]);
    const x = e.tensor(iota(12), [3, 4]);
    expect(await takeArray(x.slice([1, 1], [2, 2]))).toEqual([[5, 6], [9, 10]]);
    e.dispose([a, b, x]);
  });
});
