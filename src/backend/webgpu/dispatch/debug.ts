import type { GpuKernels } from './index.js';
import type { DebugKernels, NonFiniteParams } from '../../../kernel_ids/debug.js';
import { grid1d, type GpuKernel } from './kernel_spec.js';
import nonFiniteWgsl from '../../../../shaders/debug/nonfinite.wgsl';

const wg = 256;

const nonFinite: GpuKernel<NonFiniteParams> = {
  shader: nonFiniteWgsl,
  constants: () => ({ WG: wg }),
  uniforms: (p) => ({ n: p.n, slot: p.slot }),
  // Four elements per invocation (see the shader).
  workgroups: (p) => grid1d(Math.ceil(p.n / 4), wg),
};

/** WebGPU dispatch of the tracer's kernel. */
export const debugGpuKernels: GpuKernels<DebugKernels> = { debug_nonfinite: nonFinite };
