import type { Engine } from '../engine.js';
import type { DType, Tensor } from '../tensor.js';
import { sizeOf, type Shape } from '../shape.js';
import { notDifferentiable, type GradientTable } from '../autodiff/rules.js';
import { installEngineFunctions, installOps, type AsMethods } from './define.js';
import { record, type NoContext } from './record.js';
import { checkDtype, checkNumber, checkShape, checkSize } from './validate.js';
import { describeValue } from '../values.js';
import { elementwiseChunks, needsChunks } from './chunks.js';

/** The creation kernels: no tensor inputs, so nothing to differentiate with respect to. */
export interface CreationContexts {
  fill: NoContext;
  eye: NoContext;
  iota: NoContext;
  random_uniform: NoContext;
  random_normal: NoContext;
}

/** Creation ops make constants. */
export const creationGradients: GradientTable<CreationContexts> = {
  fill: notDifferentiable,
  eye: notDifferentiable,
  iota: notDifferentiable,
  random_uniform: notDifferentiable,
  random_normal: notDifferentiable,
};

function filled(e: Engine, shape: Shape, value: number, dtype: DType, op = 'fill'): Tensor {
  checkShape(op, shape);
  checkNumber(op, 'value', value, { infinite: true, nan: true });
  checkDtype(op, dtype);
  checkSize(op, e, shape);
  const n = sizeOf(shape);
  const out = needsChunks(e, n)
    ? elementwiseChunks(e, 'fill', [], shape, dtype, (chunk) => ({ n: chunk, value }))
    : e.runKernel('fill', [], shape, dtype, { n, value });
  record('fill', out, [], {});
  return out;
}

function assertCount(op: string, what: string, v: number): void {
  checkNumber(op, what, v, { integer: true, min: 0 });
}

/** A ramp start + i * step of n values whose last one is `last` exactly (computed in float64). */
function ramp(op: string, e: Engine, n: number, start: number, step: number, last: number, dtype: DType): Tensor {
  checkSize(op, e, [n]);
  const out = e.runKernel('iota', [], [n], dtype, { n, start, step, last });
  record('iota', out, [], {});
  return out;
}

/** Tensor creation functions on the engine: `e.zeros([2, 3])`. */
export const creationFunctions = {
  /** A tensor of `shape` filled with `value`. */
  fill: (e: Engine, shape: Shape, value: number, dtype: DType = 'float32'): Tensor => filled(e, shape, value, dtype),
  zeros: (e: Engine, shape: Shape, dtype: DType = 'float32'): Tensor => filled(e, shape, 0, dtype, 'zeros'),
  ones: (e: Engine, shape: Shape, dtype: DType = 'float32'): Tensor => filled(e, shape, 1, dtype, 'ones'),
  /**
   * Identity matrices of `numRows` x `numColumns` (square when omitted), repeated over
   * `batchShape` in front: shape [...batchShape, numRows, numColumns] (tf.eye).
   */
  eye: (e: Engine, numRows: number, numColumns: number = numRows, batchShape: Shape = [], dtype: DType = 'float32'): Tensor => {
    assertCount('eye', 'numRows', numRows);
    assertCount('eye', 'numColumns', numColumns);
    checkShape('eye', batchShape, 'batchShape');
    checkDtype('eye', dtype);
    const shape = [...batchShape, numRows, numColumns];
    checkSize('eye', e, shape);
    const out = e.runKernel('eye', [], shape, dtype, { n: sizeOf(shape), rows: numRows, cols: numColumns });
    record('eye', out, [], {});
    return out;
  },
  /**
   * start, start + step, ... up to but excluding stop, as numpy.arange: ceil((stop - start) / step)
   * values. `e.range(n)` is [0, n).
   */
  range: (e: Engine, start: number, stop?: number, step = 1, dtype: DType = 'float32'): Tensor => {
    if (stop === undefined) [start, stop] = [0, start];
    if (![start, stop, step].every(Number.isFinite)) {
      throw new Error(`range: start, stop and step must be finite numbers, got ${describeValue(start)}, ${describeValue(stop)} and ${describeValue(step)}`);
    }
    checkDtype('range', dtype);
    if (step === 0) throw new Error(`range: step must not be 0 (start ${start}, stop ${stop})`);
    if (dtype !== 'float32' && !(Number.isInteger(start) && Number.isInteger(step))) {
      throw new Error(`range: ${dtype} values need an integer start and step, got start ${start} and step ${step}`);
    }
    const n = Math.max(0, Math.ceil((stop - start) / step));
    return ramp('range', e, n, start, step, start + (n - 1) * step, dtype);
  },
  /** `num` evenly spaced values from start to stop, both included; the last is exactly stop. */
  linspace: (e: Engine, start: number, stop: number, num: number): Tensor => {
    assertCount('linspace', 'num', num);
    checkNumber('linspace', 'start', start);
    checkNumber('linspace', 'stop', stop);
    if (num === 1) return ramp('linspace', e, 1, start, 0, start, 'float32');
    return ramp('linspace', e, num, start, (stop - start) / (num - 1), stop, 'float32');
  },
};

/** Creation ops shaped like an existing tensor: `x.zerosLike()`. */
export const likeOps = {
  zerosLike: (x: Tensor): Tensor => filled(x.engine, x.shape, 0, x.dtype, 'zerosLike'),
  onesLike: (x: Tensor): Tensor => filled(x.engine, x.shape, 1, x.dtype, 'onesLike'),
};

/** The engine-method form of functions whose first parameter is the engine. */
export type DropEngine<T> = { [K in keyof T]: T[K] extends (e: Engine, ...rest: infer R) => infer Ret ? (...rest: R) => Ret : never };

type LikeOps = typeof likeOps;
type CreationFunctions = DropEngine<typeof creationFunctions>;

declare module '../tensor.js' {
  interface Tensor extends AsMethods<LikeOps> {}
}
declare module '../engine.js' {
  interface Engine extends CreationFunctions, LikeOps {}
}

installEngineFunctions(creationFunctions);
installOps(likeOps, 'tensor');
