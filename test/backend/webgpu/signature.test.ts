import { describe, expect, it } from 'vitest';
import { sameValue, Signature } from '../../../src/backend/webgpu/graph/signature.js';

/**
 * Signatures key the plan cache (src/backend/webgpu/graph/signature.ts). `sameValue` lets a
 * recording skip encoding params equal to its expected plan's, so it must call values the same
 * exactly when their encodings are equal (up to the order of an object's members).
 */

/** Whether `a` and `b` encode to the same numbers. */
function sameEncoding(a: unknown, b: unknown): boolean {
  const sa = new Signature();
  const sb = new Signature();
  sa.pushValue(a);
  sb.pushValue(b);
  return sa.equals(sb);
}

const pairs: [string, unknown, unknown][] = [
  ['equal numbers', 3, 3],
  ['different numbers', 3, 4],
  ['NaN and NaN', NaN, NaN],
  ['0 and -0', 0, -0],
  ['number and string', 1, '1'],
  ['true and 1', true, 1],
  ['null and undefined', null, undefined],
  ['equal arrays', [1, 2, 3], [1, 2, 3]],
  ['arrays of other lengths', [1, 2], [1, 2, 3]],
  ['array and typed array', [1, 2], Int32Array.of(1, 2)],
  ['equal objects', { n: 4, axes: [0, 1], mode: 'sum' }, { n: 4, axes: [0, 1], mode: 'sum' }],
  ['objects differing in a nested number', { n: 4, axes: [0, 1] }, { n: 4, axes: [0, 2] }],
  ['objects differing in a string', { mode: 'sum' }, { mode: 'max' }],
  ['an undefined member and a missing one', { n: 4, extra: undefined }, { n: 4 }],
  ['a null member and a missing one', { n: 4, extra: null }, { n: 4 }],
  ['a null member and another member', { n: 4, a: null }, { n: 4, b: 1 }],
  ['an extra member', { n: 4 }, { n: 4, m: 1 }],
  ['-0 inside an object', { alpha: 0 }, { alpha: -0 }],
];

describe('signature values', () => {
  it.each(pairs)('sameValue agrees with the encodings: %s', (_name, a, b) => {
    expect(sameValue(a, b)).toBe(sameEncoding(a, b));
    expect(sameValue(b, a)).toBe(sameEncoding(b, a));
  });

  it('calls objects with the same members in another order the same (kernels read params by name)', () => {
    expect(sameValue({ a: 1, b: [2, 3] }, { b: [2, 3], a: 1 })).toBe(true);
  });

  it('skips over expected numbers only while matching and only as far as they go', () => {
    const expected = new Signature();
    for (const x of [1, 2, 3, 4]) expected.push(x);
    const s = new Signature();
    s.expect(expected);
    s.push(1);
    expect(s.skip(2)).toBe(true);
    expect(s.skip(2)).toBe(false);
    s.push(4);
    expect(s.matchesExpected).toBe(true);
    s.push(5);
    expect(s.matching).toBe(false);
    expect(s.skip(1)).toBe(false);
  });
});
