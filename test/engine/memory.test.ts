import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/engines.js';
import { expectClose } from '../helpers/allclose.js';
import { settledMemory } from '../helpers/memory.js';

describe.each(backends)('memory on %s', (_name, make) => {
  it('a loop of 1,000 forward/backward steps leaves e.memory() unchanged', async () => {
    const e = await make();
    const w = e.variable([0.5, -0.25, 1, 2, -1], [5]);
    const x = e.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [2, 5]);
    const before = await settledMemory(e);
    for (let step = 0; step < 1000; step++) {
      e.tidy(() => {
        const { value, grads } = e.valueAndGrad(() => x.mul(w).sigmoid().sum(1).square().mean(), [w]);
        w.assign(w.sub(grads[0]!.mul(0.01)));
        return value;
      }).dispose();
      if (step === 0) await e.flush();
    }
    await e.flush();
    expect(e.memory()).toEqual(before);
    e.dispose([w, x]);
  });

  it('tidy disposes intermediates and keeps what it returns', async () => {
    const e = await make();
    const before = e.memory().tensors;
    const x = e.tensor([1, 2, 3]);
    const { kept } = e.tidy(() => {
      const y = x.exp().add(1);
      return { kept: y.log() };
    });
    expect(e.memory().tensors).toBe(before + 2);
    expectClose(await kept.data(), [1, 2, 3].map((v) => Math.log(Math.exp(v) + 1)), 1e-5, 1e-5);
    e.dispose([x, kept]);
    expect(e.memory().tensors).toBe(before);
  });
});
