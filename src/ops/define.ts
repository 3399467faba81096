import { Engine, currentEngine, type TensorLike } from '../engine.js';
import { Tensor } from '../tensor.js';
import { describeValue } from '../values.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyOp = (x: any, ...rest: any[]) => any;

/** The method form of op functions: the first argument becomes `this`. */
export type AsMethods<T> = { [K in keyof T]: T[K] extends (x: any, ...rest: infer R) => infer Ret ? (...rest: R) => Ret : never };

/**
 * Installs op functions as tensor methods (`x.relu()`) and as engine functions (`e.relu(x)`).
 * The matching types are declared next to each family with module augmentation. With `first`
 * 'tensor' the engine functions refuse a first argument that is not a tensor (families whose ops
 * take numbers too, `e.add(1, x)`, check their operands themselves).
 */
export function installOps(ops: Record<string, AnyOp>, first: 'tensor' | 'tensorLike' = 'tensorLike'): void {
  for (const [name, f] of Object.entries(ops)) {
    Object.defineProperty(Tensor.prototype, name, {
      value: function (this: Tensor, ...rest: unknown[]) {
        return f(this, ...rest);
      },
      configurable: true,
      writable: true,
    });
    Object.defineProperty(Engine.prototype, name, {
      value: function (this: Engine, ...args: unknown[]) {
        if (first === 'tensor' && !(args[0] instanceof Tensor)) {
          throw new Error(`${name}: the first argument must be a tensor, got ${describeValue(args[0])}`);
        }
        return this.withDefault(() => f(...(args as [unknown])));
      },
      configurable: true,
      writable: true,
    });
  }
}

/** Installs engine-only functions whose first parameter is the engine (`e.zeros(shape)`). */
export function installEngineFunctions(fns: Record<string, (e: Engine, ...rest: any[]) => any>): void {
  for (const [name, f] of Object.entries(fns)) {
    Object.defineProperty(Engine.prototype, name, {
      value: function (this: Engine, ...rest: unknown[]) {
        return f(this, ...rest);
      },
      configurable: true,
      writable: true,
    });
  }
}

/** Finds the engine of an op's arguments (the first tensor; else the default engine). */
export function engineOf(op: string, ...args: unknown[]): Engine {
  for (const a of args) {
    if (a instanceof Tensor) return a.engine;
    if (Array.isArray(a)) for (const b of a) if (b instanceof Tensor) return b.engine;
  }
  const e = currentEngine();
  if (!e) throw new Error(`${op}: needs at least one tensor argument (or call it as e.${op}(...))`);
  return e;
}

/** Checks that `v` is a tensor or a number (a `TensorLike` operand). */
export function checkTensorLike(op: string, v: unknown): TensorLike {
  if (!(v instanceof Tensor) && typeof v !== 'number') {
    throw new Error(`${op}: expected a tensor or a number, got ${describeValue(v)}`);
  }
  return v;
}

/** Resolves one `TensorLike` argument of an op to a tensor (`tensors` for a single operand, without its arrays). */
export function tensorOf(op: string, x: TensorLike): Tensor {
  checkTensorLike(op, x);
  return (x instanceof Tensor ? x.engine : engineOf(op, x)).toTensor(op, x);
}

/** Resolves `TensorLike` arguments of an op to tensors of one engine. */
export function tensors(op: string, ...args: TensorLike[]): Tensor[] {
  for (const a of args) checkTensorLike(op, a);
  const e = engineOf(op, ...args);
  const out = args.map((a) => e.toTensor(op, a));
  e.checkInputs(op, out);
  return out;
}
