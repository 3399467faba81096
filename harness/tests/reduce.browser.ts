// Reductions over all axes and over chosen axes, with and without keepDims.
import { expect } from '../expect.js';
import { expectSameAsCpu, gpuEngine, take } from '../engines.js';
import { describe, it } from '../runner.js';

describe('reductions', () => {
  it('sum and mean over all axes and over one axis', async () => {
    const e = await gpuEngine();
    const x = e.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(await take(x.sum())).toAllClose([21]);
    expect(await take(x.mean())).toAllClose([3.5]);
    const rows = x.sum(1, true);
    expect(rows.shape).toEqual([2, 1]);
    expect(await take(rows)).toAllClose([6, 15]);
    expect(await take(x.mean(0))).toAllClose([2.5, 3.5, 4.5]);
    x.dispose();
  });

  it('sum over the middle axis of [5,257,3] matches the CPU', () =>
    expectSameAsCpu((e) => e.tensor(Array.from({ length: 5 * 257 * 3 }, (_, i) => Math.sin(i)), [5, 257, 3]).sum(1), { atol: 1e-4 }));

  it('max and min', async () => {
    const e = await gpuEngine();
    const x = e.tensor([[1, 7, -3], [4, -5, 6]]);
    expect(await take(x.max())).toAllClose([7]);
    expect(await take(x.max(1))).toAllClose([7, 6]);
    expect(await take(x.min(0))).toAllClose([1, -5, -3]);
    x.dispose();
  });

  it('independent sums in a captured step run stacked and match the eager ones', async () => {
    const e = await gpuEngine();
    const x = e.tensor(Array.from({ length: 3 * 100 }, (_, i) => Math.cos(i * 0.37)), [3, 100]);
    const y = e.tensor(Array.from({ length: 2 * 100 }, (_, i) => Math.sin(i * 0.11)), [2, 100]);
    const f = (a: typeof x, b: typeof x) => [a.sum(1), b.square().sum(1).mul(2), a.abs().sum(1)];
    const compiled = e.compile(f);
    const got = compiled(x, y);
    expect(compiled.commandsPerCall).toEqual(['stacked_reduce_sum']);
    const want = f(x, y);
    for (let k = 0; k < 3; k++) expect(await take(got[k]!)).toAllClose(await take(want[k]!), { atol: 1e-5 });
    e.dispose([...got, ...want, x, y]);
    compiled.dispose();
  });
});
