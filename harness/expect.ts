/**
 * Assertions for the browser tests, named after vitest's so the tests read alike. Each throws an
 * Error whose message says what was expected and what came.
 */

/** Nested arrays or flat arrays of numbers (booleans count as 0/1). */
type Numbers = ArrayLike<number> | readonly unknown[] | number | boolean;

/** Tolerances of `toAllClose`: |actual - expected| <= atol + rtol·|expected|. */
export interface Tolerance {
  atol?: number;
  rtol?: number;
}

/** Starts an assertion on `actual`. */
export function expect(actual: unknown) {
  return {
    /** Same value (Object.is). */
    toBe(expected: unknown): void {
      if (!Object.is(actual, expected)) fail(`expected ${show(expected)}, got ${show(actual)}`);
    },
    /** Same JSON rendering: shapes, nested arrays, plain objects. */
    toEqual(expected: unknown): void {
      if (JSON.stringify(actual) !== JSON.stringify(expected)) fail(`expected ${show(expected)}, got ${show(actual)}`);
    },
    toBeGreaterThan(bound: number): void {
      if (!((actual as number) > bound)) fail(`expected more than ${bound}, got ${show(actual)}`);
    },
    toBeLessThan(bound: number): void {
      if (!((actual as number) < bound)) fail(`expected less than ${bound}, got ${show(actual)}`);
    },
    /** Elementwise closeness after flattening both sides; NaN matches NaN. */
    toAllClose(expected: Numbers, { atol = 1e-5, rtol = 1e-4 }: Tolerance = {}): void {
      const a = flatten(actual as Numbers);
      const b = flatten(expected);
      if (a.length !== b.length) fail(`expected ${b.length} values, got ${a.length}: ${show(a)}`);
      for (let i = 0; i < a.length; i++) {
        const x = a[i]!;
        const y = b[i]!;
        const same = Number.isNaN(x) ? Number.isNaN(y) : x === y || Math.abs(x - y) <= atol + rtol * Math.abs(y);
        if (!same) fail(`element ${i}: expected ${y}, got ${x} (atol ${atol}, rtol ${rtol})\n  expected ${show(b)}\n  got      ${show(a)}`);
      }
    },
    /** `actual` is a function that throws an error whose message matches `pattern`. */
    toThrow(pattern?: RegExp): void {
      try {
        (actual as () => unknown)();
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (pattern && !pattern.test(message)) fail(`expected an error matching ${pattern}, got '${message}'`);
        return;
      }
      fail(`expected an error${pattern ? ` matching ${pattern}` : ''}, but nothing was thrown`);
    },
  };
}

function fail(message: string): never {
  throw new Error(message);
}

function flatten(x: Numbers): number[] {
  if (typeof x === 'number') return [x];
  if (typeof x === 'boolean') return [x ? 1 : 0];
  const out: number[] = [];
  for (const v of Array.from(x as ArrayLike<unknown>)) out.push(...flatten(v as Numbers));
  return out;
}

function show(x: unknown): string {
  if (x instanceof Float32Array || x instanceof Float64Array || x instanceof Int32Array) x = Array.from(x);
  const text = JSON.stringify(x) ?? String(x);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
