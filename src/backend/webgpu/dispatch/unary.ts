import type { GpuKernels } from './index.js';
import { unaryKernelIds, type UnaryKernels, type UnaryParams } from '../../../kernel_ids/unary.js';
import { grid1d, type GpuKernel } from './kernel_spec.js';
import unaryWgsl from '../../../../shaders/elementwise/unary.wgsl';

const shader = unaryWgsl;
const wg = 256;

function unaryKernel(id: string): GpuKernel<UnaryParams> {
  return {
    shader,
    prelude: `fn unary_op(x: f32, a: f32, b: f32) -> f32 { return op_${id}(x, a, b); }`,
    constants: () => ({ WG: wg }),
    uniforms: (p) => ({ n: p.n, alpha: p.alpha, beta: p.beta }),
    // Four elements per invocation (shaders/elementwise/unary.wgsl).
    workgroups: (p) => grid1d(Math.ceil(p.n / 4), wg),
  };
}

/** WebGPU dispatches of the unary kernels: one shader, one generated op call per id. */
export const unaryGpuKernels = Object.fromEntries(unaryKernelIds.map((id) => [id, unaryKernel(id)])) as GpuKernels<UnaryKernels>;
