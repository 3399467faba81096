import type { CpuKernelTable } from './kernel_table.js';
import { unaryCpuKernels } from './unary.js';
import { binaryCpuKernels } from './binary.js';
import { reduceCpuKernels } from './reduce.js';
import { matmulCpuKernels } from './matmul.js';
import { layoutCpuKernels } from './layout.js';
import { creationCpuKernels } from './creation.js';
import { convCpuKernels } from './conv.js';
import { poolCpuKernels } from './pool.js';
import { normCpuKernels } from './norm.js';
import { dropoutCpuKernels } from './dropout.js';
import { softmaxCpuKernels } from './softmax.js';
import { optimCpuKernels } from './optim.js';
import { winogradCpuKernels } from './winograd.js';
import { debugCpuKernels } from './debug.js';

export type { CpuArray } from './kernel_table.js';

/** The CPU twin of every kernel id. */
export const cpuKernels: CpuKernelTable = {
  ...unaryCpuKernels,
  ...binaryCpuKernels,
  ...reduceCpuKernels,
  ...matmulCpuKernels,
  ...layoutCpuKernels,
  ...creationCpuKernels,
  ...convCpuKernels,
  ...poolCpuKernels,
  ...normCpuKernels,
  ...dropoutCpuKernels,
  ...softmaxCpuKernels,
  ...optimCpuKernels,
  ...winogradCpuKernels,
  ...debugCpuKernels,
};
