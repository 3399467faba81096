import type { GpuKernels } from './index.js';
import type {
  CreationKernels,
  EyeParams,
  FillParams,
  IotaParams,
  RandomNormalParams,
  RandomUniformParams,
} from '../../../kernel_ids/creation.js';
import { grid1d, type GpuKernel, type ShaderSource } from './kernel_spec.js';
import fillWgsl from '../../../../shaders/creation/fill.wgsl';
import iotaWgsl from '../../../../shaders/creation/iota.wgsl';
import eyeWgsl from '../../../../shaders/creation/eye.wgsl';
import randomUniformWgsl from '../../../../shaders/creation/random_uniform.wgsl';
import randomNormalWgsl from '../../../../shaders/creation/random_normal.wgsl';

const wg = 256;

/** Every creation kernel writes n elements, one per invocation, from its uniforms alone. */
function elementwise<P extends { n: number }>(shader: ShaderSource, uniforms: GpuKernel<P>['uniforms']): GpuKernel<P> {
  return {
    shader,
    constants: () => ({ WG: wg }),
    uniforms,
    workgroups: (p) => grid1d(p.n, wg),
  };
}

/** WebGPU dispatches of the creation kernels. */
export const creationGpuKernels: GpuKernels<CreationKernels> = {
  fill: elementwise<FillParams>(fillWgsl, (p) => ({ n: p.n, value: p.value })),
  iota: elementwise<IotaParams>(iotaWgsl, (p) => ({
    n: p.n,
    start: p.start,
    step: p.step,
    last: p.last,
  })),
  eye: elementwise<EyeParams>(eyeWgsl, (p) => ({ n: p.n, rows: p.rows, cols: p.cols })),
  random_uniform: elementwise<RandomUniformParams>(randomUniformWgsl, (p) => ({
    n: p.n,
    seed: p.seed,
    low: p.low,
    high: p.high,
    integer: p.integer,
  })),
  random_normal: elementwise<RandomNormalParams>(randomNormalWgsl, (p) => ({
    n: p.n,
    seed: p.seed,
    mean: p.mean,
    stddev: p.stddev,
    truncated: p.truncated,
  })),
};
