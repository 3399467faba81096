import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import { frozenShape } from '../../src/shape.js';

// Tensors keep their shapes frozen; small ones are one shared array per shape (shape.ts).
describe('tensor shapes', () => {
  it('are frozen copies that the caller cannot change afterwards', async () => {
    const e = await createEngine({ backend: 'cpu' });
    for (const dims of [[2, 3], [70, 2], [2, 3, 4]]) {
      const given = [...dims];
      const t = e.zeros(given);
      given[0] = 99;
      expect(t.shape).toEqual(dims);
      expect(Object.isFrozen(t.shape)).toBe(true);
      expect(() => (t.shape as number[]).push(1)).toThrow(TypeError);
      t.dispose();
    }
    e.destroy();
  });

  it('share one array per small shape, and keep a frozen array as it is', () => {
    expect(frozenShape([3])).toBe(frozenShape([3]));
    expect(frozenShape([2, 5])).toBe(frozenShape([2, 5]));
    expect(frozenShape([])).toBe(frozenShape([]));
    expect(frozenShape([2, 5])).not.toBe(frozenShape([5, 2]));
    expect(frozenShape([2, 5])).toEqual([2, 5]);
    // Past the shared range: a frozen copy each time, equal in value.
    const big = frozenShape([64, 2]);
    expect(big).toEqual([64, 2]);
    expect(big).not.toBe(frozenShape([64, 2]));
    expect(frozenShape(big)).toBe(big);
    expect(frozenShape([1, 2, 3])).toEqual([1, 2, 3]);
  });
});
