import { describe, expect, it } from 'vitest';
import { backends } from './helpers/engines.js';

describe.each(backends)('smoke on %s', (_name, make) => {
  it('adds, reduces and differentiates', async () => {
    const e = await make();
    const x = e.tensor([1, 2, 3, 4], [2, 2]);
    const v = e.variable([0.5, -1], [2]);
    const y = x.add(v).relu().sum();
    expect(Array.from(await y.data())).toEqual([1.5 + 1 + 3.5 + 3]);
    const { value, grads } = e.valueAndGrad(() => x.mul(x).add(v).sum(), [x, v]);
    expect(Array.from(await value.data())).toEqual([30 - 1]);
    expect(Array.from(await grads[0]!.data())).toEqual([2, 4, 6, 8]);
    expect(Array.from(await grads[1]!.data())).toEqual([2, 2]);
  });
});
