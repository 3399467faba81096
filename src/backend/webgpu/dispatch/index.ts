import type { KernelParamsMap } from '../../../kernel_ids/registry.js';
import type { GpuKernel } from './kernel_spec.js';
import { unaryGpuKernels } from './unary.js';
import { binaryGpuKernels } from './binary.js';
import { reduceGpuKernels } from './reduce.js';
import { matmulGpuKernels } from './matmul.js';
import { layoutGpuKernels } from './layout.js';
import { creationGpuKernels } from './creation.js';
import { convGpuKernels } from './conv.js';
import { poolGpuKernels } from './pool.js';
import { normGpuKernels } from './norm.js';
import { dropoutGpuKernels } from './dropout.js';
import { softmaxGpuKernels } from './softmax.js';
import { optimGpuKernels } from './optim.js';
import { winogradGpuKernels } from './winograd.js';
import { debugGpuKernels } from './debug.js';

/** A family's GPU kernels, typed against its kernel ids. */
export type GpuKernels<Family> = { [K in keyof Family]: GpuKernel<Family[K]> };

/** The WebGPU dispatch of every kernel id: a missing one is a compile error. */
export const gpuKernels: GpuKernels<KernelParamsMap> = {
  ...unaryGpuKernels,
  ...binaryGpuKernels,
  ...reduceGpuKernels,
  ...matmulGpuKernels,
  ...layoutGpuKernels,
  ...creationGpuKernels,
  ...convGpuKernels,
  ...poolGpuKernels,
  ...normGpuKernels,
  ...dropoutGpuKernels,
  ...softmaxGpuKernels,
  ...optimGpuKernels,
  ...winogradGpuKernels,
  ...debugGpuKernels,
};
