/**
 * Argument checks at the API boundary, one line each in the ops: every misuse is an Error that
 * starts with the op's name and says what was expected and what came (`describeValue`).
 */
import type { Engine, VariableOptions } from '../engine.js';
import { Tensor, type DType } from '../tensor.js';
import { assertShape, type Shape } from '../shape.js';
import { checkElements } from './limits.js';
import { describeValue, dtypes } from '../values.js';

export { describeValue } from '../values.js';

/** Checks that `v` is a tensor; returns it. */
export function checkTensor(op: string, what: string, v: unknown): Tensor {
  if (!(v instanceof Tensor)) throw new Error(`${op}: ${what} must be a tensor, got ${describeValue(v)}`);
  return v;
}

/** A boolean argument; `undefined` gives `fallback`. Truthy strings and numbers are refused. */
export function checkBoolean(op: string, what: string, v: unknown, fallback = false): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new Error(`${op}: ${what} must be true or false, got ${describeValue(v)}`);
  return v;
}

/** Bounds of `checkNumber`. */
export interface NumberRule {
  /** Only integers (default false). */
  integer?: boolean;
  /** Smallest allowed value (included). */
  min?: number;
  /** Largest allowed value (included). */
  max?: number;
  /** Infinities allowed (default false). */
  infinite?: boolean;
  /** NaN allowed (default false): for values to fill tensors with, never for sizes or bounds. */
  nan?: boolean;
}

/** A number argument within `rule`; returns it. */
export function checkNumber(op: string, what: string, v: unknown, rule: NumberRule = {}): number {
  const { integer = false, min = -Infinity, max = Infinity, infinite = false, nan = false } = rule;
  if (nan && typeof v === 'number' && Number.isNaN(v)) return v;
  const ok =
    typeof v === 'number' && !Number.isNaN(v) && (infinite || Number.isFinite(v)) && (!integer || Number.isInteger(v)) && v >= min && v <= max;
  if (!ok) {
    let expected: string;
    if (integer && max === Infinity && (min === 0 || min === 1)) expected = min === 0 ? 'a non-negative integer' : 'a positive integer';
    else {
      const kind = integer ? 'an integer' : infinite ? 'a number' : 'a finite number';
      const range = min > -Infinity && max < Infinity ? ` in [${min}, ${max}]` : min > -Infinity ? ` >= ${min}` : max < Infinity ? ` <= ${max}` : '';
      expected = kind + range;
    }
    throw new Error(`${op}: ${what} must be ${expected}, got ${describeValue(v)}`);
  }
  return v as number;
}

/** One of the listed strings; `undefined` gives `fallback` when there is one. */
export function checkOneOf<T extends string>(op: string, what: string, v: unknown, allowed: readonly T[], fallback?: T): T {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string' || !allowed.includes(v as T)) {
    const quoted = allowed.map((a) => `'${a}'`);
    const list = quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}` : quoted[0];
    throw new Error(`${op}: ${what} must be ${list}, got ${describeValue(v)}`);
  }
  return v as T;
}

/** A dtype argument ('float32', 'int32' or 'bool'); `undefined` gives `fallback`. */
export function checkDtype(op: string, v: unknown, fallback: DType = 'float32', what = 'dtype'): DType {
  return checkOneOf(op, what, v, dtypes, fallback);
}

/**
 * An options object: undefined gives {}; anything but a plain object, or a key the op does not
 * know (a misspelt option would otherwise be ignored), is refused, listing the known keys.
 */
export function checkOptions<T extends object>(op: string, v: T | undefined, known: readonly (keyof T & string)[], what = 'options'): T {
  if (v === undefined) return {} as T;
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Tensor) {
    throw new Error(`${op}: ${what} must be an object, got ${describeValue(v)}`);
  }
  for (const key of Object.keys(v)) {
    if (!(known as readonly string[]).includes(key)) {
      throw new Error(`${op}: unknown option '${key}' in ${what} (known: ${known.join(', ')})`);
    }
  }
  return v;
}

/** A shape argument: an array of non-negative integers; returns a copy. */
export function checkShape(op: string, v: unknown, what = 'shape'): number[] {
  assertShape(op, v as Shape, what);
  return [...(v as number[])];
}

/**
 * Checks that a tensor of `shape` fits one buffer of `e`'s backend (maxBufferSize on WebGPU; a
 * typed array's limit on the CPU: src/ops/limits.ts), before anything is allocated.
 */
export function checkSize(op: string, e: Engine, shape: Shape): void {
  e.opName = op;
  checkElements(e.limits, op, shape);
}

/** An array argument (of anything); returns it. */
export function checkArray<T>(op: string, what: string, v: unknown): readonly T[] {
  if (!Array.isArray(v)) throw new Error(`${op}: ${what} must be an array, got ${describeValue(v)}`);
  return v as readonly T[];
}

/** An array of integers (each checked by `rule`). */
export function checkIntegers(op: string, what: string, v: unknown, rule: Omit<NumberRule, 'integer'> = {}): number[] {
  const list = checkArray<unknown>(op, what, v);
  for (const x of list) {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < (rule.min ?? -Infinity) || x > (rule.max ?? Infinity)) {
      const bound = rule.min !== undefined ? (rule.min === 0 ? 'non-negative ' : rule.min === 1 ? 'positive ' : '') : '';
      throw new Error(`${op}: ${what} must be an array of ${bound}integers, got ${describeValue(v)}`);
    }
  }
  return list as number[];
}

/** Checks `e.variable`'s options: a string name, a boolean trainable, a dtype. */
export function checkVariableOptions(options: VariableOptions | undefined): VariableOptions {
  const o = checkOptions('variable', options, ['name', 'trainable', 'dtype']);
  if (o.name !== undefined && typeof o.name !== 'string') throw new Error(`variable: name must be a string, got ${describeValue(o.name)}`);
  checkBoolean('variable', 'trainable', o.trainable, true);
  if (o.dtype !== undefined) checkDtype('variable', o.dtype);
  return o;
}

/** A function argument; returns it. */
export function checkFunction<F extends (...args: never[]) => unknown>(op: string, what: string, v: unknown): F {
  if (typeof v !== 'function') throw new Error(`${op}: ${what} must be a function, got ${describeValue(v)}`);
  return v as F;
}

/** A non-empty array of tensors; returns it. */
export function checkTensorList(op: string, what: string, v: unknown, nonEmpty = true): readonly Tensor[] {
  const list = checkArray<unknown>(op, what, v);
  if (nonEmpty && list.length === 0) throw new Error(`${op}: ${what} must be a non-empty array of tensors, got []`);
  list.forEach((t, i) => checkTensor(op, `${what}[${i}]`, t));
  return list as readonly Tensor[];
}
