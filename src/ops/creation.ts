import type { Engine } from '../engine.js';
import type { DType, Tensor } from '../tensor.js';
import { assertShape, sizeOf, type Shape } from '../shape.js';
import { installEngineFunctions, installOps, type AsMethods } from './define.js';

function filled(e: Engine, shape: Shape, value: number, dtype: DType): Tensor {
  assertShape('fill', shape);
  return e.runKernel('fill', [], shape, dtype, { n: sizeOf(shape), value });
}

/** Tensor creation functions on the engine: `e.zeros([2, 3])`. */
export const creationFunctions = {
  /** A tensor of `shape` filled with `value`. */
  fill: (e: Engine, shape: Shape, value: number, dtype: DType = 'float32'): Tensor => filled(e, shape, value, dtype),
  zeros: (e: Engine, shape: Shape, dtype: DType = 'float32'): Tensor => filled(e, shape, 0, dtype),
  ones: (e: Engine, shape: Shape, dtype: DType = 'float32'): Tensor => filled(e, shape, 1, dtype),
};

/** Creation ops shaped like an existing tensor: `x.zerosLike()`. */
export const likeOps = {
  zerosLike: (x: Tensor): Tensor => filled(x.engine, x.shape, 0, x.dtype),
  onesLike: (x: Tensor): Tensor => filled(x.engine, x.shape, 1, x.dtype),
};

type DropEngine<T> = { [K in keyof T]: T[K] extends (e: Engine, ...rest: infer R) => infer Ret ? (...rest: R) => Ret : never };

type LikeOps = typeof likeOps;
type CreationFunctions = DropEngine<typeof creationFunctions>;

declare module '../tensor.js' {
  interface Tensor extends AsMethods<LikeOps> {}
}
declare module '../engine.js' {
  interface Engine extends CreationFunctions, LikeOps {}
}

installEngineFunctions(creationFunctions);
installOps(likeOps);
