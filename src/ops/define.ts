import { Engine, currentEngine, type TensorLike } from '../engine.js';
import { Tensor } from '../tensor.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyOp = (x: any, ...rest: any[]) => any;

/** The method form of op functions: the first argument becomes `this`. */
export type AsMethods<T> = { [K in keyof T]: T[K] extends (x: any, ...rest: infer R) => infer Ret ? (...rest: R) => Ret : never };

/**
 * Installs op functions as tensor methods (`x.relu()`) and as engine functions (`e.relu(x)`).
 * The matching types are declared next to each family with module augmentation.
 */
export function installOps(ops: Record<string, AnyOp>): void {
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

/** Resolves `TensorLike` arguments of an op to tensors of one engine. */
export function tensors(op: string, ...args: TensorLike[]): Tensor[] {
  const e = engineOf(op, ...args);
  const out = args.map((a) => e.toTensor(op, a));
  e.checkInputs(op, out);
  return out;
}
