import { expect } from 'vitest';

/** Largest violation of |a - b| <= atol + rtol·|b| (NaN and infinities must match exactly). */
export function closeness(a: ArrayLike<number>, b: ArrayLike<number>, atol: number, rtol: number): { ok: boolean; worst: string } {
  if (a.length !== b.length) return { ok: false, worst: `lengths differ: ${a.length} vs ${b.length}` };
  let worstExcess = 0;
  let worst = '';
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(x) || Number.isNaN(y) || !Number.isFinite(x) || !Number.isFinite(y)) {
      if (!Object.is(x, y) && !(Number.isNaN(x) && Number.isNaN(y)) && x !== y) return { ok: false, worst: `[${i}] ${x} vs ${y}` };
      continue;
    }
    const excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = `[${i}] ${x} vs ${y} (|diff| ${Math.abs(x - y).toExponential(3)})`;
    }
  }
  return { ok: worstExcess === 0, worst };
}

/** Asserts elementwise closeness, printing the worst element. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-4, rtol = 1e-3, what = 'values'): void {
  const { ok, worst } = closeness(actual, expected, atol, rtol);
  expect(ok, `${what} differ: ${worst}`).toBe(true);
}
