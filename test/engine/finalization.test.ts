import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/index.js';
import { backends } from '../helpers/engines.js';

const gc = (globalThis as { gc?: () => void }).gc;

/** Makes tensors that become unreachable without dispose(). */
function leak(e: Engine, count: number): void {
  for (let i = 0; i < count; i++) e.tensor([1, 2, 3, i]).exp();
}

describe.each(backends)('FinalizationRegistry safety net on %s', (_name, make) => {
  it('releases the buffers of unreachable tensors', async () => {
    const e = await make();
    expect(gc, 'vitest.config.ts passes --expose-gc to the workers').toBeTypeOf('function');
    await e.flush();
    const before = e.memory();
    leak(e, 40);
    expect(e.memory().tensors).toBe(before.tensors + 80);
    await e.flush();
    for (let i = 0; i < 20 && e.memory().tensors !== before.tensors; i++) {
      gc!();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(e.memory()).toEqual(before);
  });
});
