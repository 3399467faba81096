import type { CpuArray, CpuKernels } from './kernel_table.js';
import type { CreationKernels, FillParams } from '../../kernels/creation.js';

function notYet(id: string): () => never {
  return () => {
    throw new Error(`kernel ${id}: not implemented on the CPU yet`);
  };
}

/** CPU twins of the creation kernels. */
export const creationCpuKernels: CpuKernels<CreationKernels> = {
  fill: (_inputs: CpuArray[], [out]: CpuArray[], p: FillParams) => {
    out!.fill(p.value, 0, p.n);
  },
  iota: notYet('iota'),
  random_uniform: notYet('random_uniform'),
  random_normal: notYet('random_normal'),
};
