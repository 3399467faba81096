/**
 * webgpu-descent: gradient descent on anything as WebGPU compute shaders.
 *
 * ```ts
 * const e = await createEngine({ backend: 'webgpu' });
 * const { value, grads } = e.valueAndGrad(() => loss(x, v), [x, v]);
 * ```
 */
export { createEngine, type DebugOptions, type EngineOptions } from './create_engine.js';
export { Engine, type MemoryInfo, type TensorLike, type ValueAndGrads, type VariableOptions } from './engine.js';
export { Tensor, Variable, type DType, type NestedArray } from './tensor.js';
export type { NumericArray, TensorValues } from './values.js';
export { GradientTape, type GradFn } from './autodiff/tape.js';
export type { AdapterInfo, BackendStats } from './backend/backend.js';
export type { AutotuneMode, Tuning } from './backend/webgpu/tuning/control.js';
export type { TuningEntry, TuningTable } from './backend/webgpu/tuning/table.js';
export type { Shape } from './shape.js';
export type { Axes, ExtremumOptions, TiePolicy } from './ops/reduce.js';
export { reductionDefaults } from './ops/reduce.js';
export type { NormOrder } from './ops/reduce_stats.js';
export type { Conv2dOptions, ConvActivation, ConvOptions, Padding, Size2 } from './ops/conv.js';
export type { RandomNormalOptions, RandomUniformOptions } from './ops/random.js';
export type { StridedSliceMasks } from './ops/slice.js';
export type { CompiledFunction, CompileOptions, StepFunction } from './compile/compile_step.js';
export type { Pool2dOptions, PoolSize } from './ops/pool.js';
export type { BatchNormOptions, BatchNormTrainingOptions, BatchNormTrainingResult } from './ops/normalization.js';
export type { DropoutOptions } from './ops/dropout.js';
export type { CategoricalCrossEntropyOptions, CrossEntropyOptions, Reduction } from './ops/softmax.js';
export * from './optim/index.js';
export * from './nn/index.js';
export * from './io/index.js';
