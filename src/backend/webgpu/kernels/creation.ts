import type { GpuKernels } from './index.js';
import type { CreationKernels, FillParams } from '../../../kernels/creation.js';
import { grid1d, type GpuKernel } from '../kernel_spec.js';
import fillWgsl from '../../../../shaders/creation/fill.wgsl';

const wg = 256;

const fill: GpuKernel<FillParams> = {
  shader: { file: 'shaders/creation/fill.wgsl', code: fillWgsl },
  constants: () => ({ WG: wg }),
  uniforms: (p) => ({ n: p.n, value: p.value }),
  workgroups: (p) => grid1d(p.n, wg),
};

function notYet<P>(id: string): GpuKernel<P> {
  return {
    shader: { file: `(missing ${id})`, code: '' },
    uniforms: () => {
      throw new Error(`kernel ${id}: not implemented on WebGPU yet`);
    },
    workgroups: () => {
      throw new Error(`kernel ${id}: not implemented on WebGPU yet`);
    },
  };
}

/** WebGPU dispatches of the creation kernels. */
export const creationGpuKernels: GpuKernels<CreationKernels> = {
  fill,
  iota: notYet('iota'),
  random_uniform: notYet('random_uniform'),
  random_normal: notYet('random_normal'),
};
