/**
 * The one list of kernel ids. Each family declares its ids and parameter types in its own file;
 * both backends type their kernel tables against `KernelParamsMap`, so neither can miss one.
 */
import { unaryKernelIds, type UnaryKernels } from './unary.js';
import { binaryKernelIds, type BinaryKernels } from './binary.js';
import { reduceKernelIds, type ReduceKernels } from './reduce.js';
import { matmulKernelIds, type MatmulKernels } from './matmul.js';
import { layoutKernelIds, type LayoutKernels } from './layout.js';
import { creationKernelIds, type CreationKernels } from './creation.js';
import { convKernelIds, type ConvKernels } from './conv.js';
import { poolKernelIds, type PoolKernels } from './pool.js';
import { normKernelIds, type NormKernels } from './norm.js';
import { dropoutKernelIds, type DropoutKernels } from './dropout.js';
import { softmaxKernelIds, type SoftmaxKernels } from './softmax.js';
import { optimKernelIds, type OptimKernels } from './optim.js';
import { winogradKernelIds, type WinogradKernels } from './winograd.js';
import { debugKernelIds, type DebugKernels } from './debug.js';

/** Kernel id -> the parameters one invocation takes (sizes and scalars; buffers are separate). */
export interface KernelParamsMap
  extends UnaryKernels,
    BinaryKernels,
    ReduceKernels,
    MatmulKernels,
    LayoutKernels,
    CreationKernels,
    ConvKernels,
    PoolKernels,
    NormKernels,
    DropoutKernels,
    SoftmaxKernels,
    OptimKernels,
    WinogradKernels,
    DebugKernels {}

export type KernelId = keyof KernelParamsMap;
export type KernelParams<K extends KernelId> = KernelParamsMap[K];

/** Every kernel id, for tests that check both backends and every shader. */
export const kernelIds: readonly KernelId[] = [
  ...unaryKernelIds,
  ...binaryKernelIds,
  ...reduceKernelIds,
  ...matmulKernelIds,
  ...layoutKernelIds,
  ...creationKernelIds,
  ...convKernelIds,
  ...poolKernelIds,
  ...normKernelIds,
  ...dropoutKernelIds,
  ...softmaxKernelIds,
  ...optimKernelIds,
  ...winogradKernelIds,
  ...debugKernelIds,
];
