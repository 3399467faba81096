import type { GpuKernels } from './index.js';
import type {
  CreationKernels,
  EyeParams,
  FillParams,
  IotaParams,
  RandomNormalParams,
  RandomUniformParams,
} from '../../../kernel_ids/creation.js';
import { grid1d, type GpuKernel } from './kernel_spec.js';
import fillWgsl from '../../../../shaders/creation/fill.wgsl';
import iotaWgsl from '../../../../shaders/creation/iota.wgsl';
import eyeWgsl from '../../../../shaders/creation/eye.wgsl';
import randomUniformWgsl from '../../../../shaders/creation/random_uniform.wgsl';
import randomNormalWgsl from '../../../../shaders/creation/random_normal.wgsl';

const wg = 256;

/** Every creation kernel writes n elements, one per invocation, from its uniforms alone. */
function elementwise<P extends { n: number }>(file: string, code: string, uniforms: GpuKernel<P>['uniforms']): GpuKernel<P> {
  return {
    shader: { file, code },
    constants: () => ({ WG: wg }),
    uniforms,
    workgroups: (p) => grid1d(p.n, wg),
  };
}

/** WebGPU dispatches of the creation kernels. */
export const creationGpuKernels: GpuKernels<CreationKernels> = {
  fill: elementwise<FillParams>('shaders/creation/fill.wgsl', fillWgsl, (p) => ({ n: p.n, value: p.value })),
  iota: elementwise<IotaParams>('shaders/creation/iota.wgsl', iotaWgsl, (p) => ({
    n: p.n,
    start: p.start,
    step: p.step,
    last: p.last,
  })),
  eye: elementwise<EyeParams>('shaders/creation/eye.wgsl', eyeWgsl, (p) => ({ n: p.n, rows: p.rows, cols: p.cols })),
  random_uniform: elementwise<RandomUniformParams>('shaders/creation/random_uniform.wgsl', randomUniformWgsl, (p) => ({
    n: p.n,
    seed: p.seed,
    low: p.low,
    high: p.high,
    integer: p.integer,
  })),
  random_normal: elementwise<RandomNormalParams>('shaders/creation/random_normal.wgsl', randomNormalWgsl, (p) => ({
    n: p.n,
    seed: p.seed,
    mean: p.mean,
    stddev: p.stddev,
    truncated: p.truncated,
  })),
};
