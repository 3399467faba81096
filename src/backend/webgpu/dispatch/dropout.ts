import type { GpuKernels } from './index.js';
import type { DropoutKernels, DropoutParams } from '../../../kernel_ids/dropout.js';
import { grid1d, padDims, type GpuKernel } from './kernel_spec.js';
import dropoutWgsl from '../../../../shaders/dropout/dropout.wgsl';

const wg = 256;
/** Elements per invocation (see the shader's header). */
const elementsPerInvocation = 4;

const dropout: GpuKernel<DropoutParams> = {
  shader: dropoutWgsl,
  constants: () => ({ WG: wg }),
  uniforms: (p) => ({
    shape: padDims(p.shape),
    noise_strides: padDims(p.noiseStrides),
    n: p.n,
    rank: p.shape.length,
    seed: p.seed,
    rate: p.rate,
    scale: p.scale,
  }),
  workgroups: (p) => grid1d(Math.ceil(p.n / elementsPerInvocation), wg),
};

/** WebGPU dispatch of the dropout kernel. */
export const dropoutGpuKernels: GpuKernels<DropoutKernels> = { dropout };
