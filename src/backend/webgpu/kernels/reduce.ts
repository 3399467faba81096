import type { GpuKernels } from './index.js';
import type { ReduceKernels, ReduceParams } from '../../../kernels/reduce.js';
import { maxWorkgroupsPerDim, type GpuKernel } from '../kernel_spec.js';
import reduceRowsWgsl from '../../../../shaders/reduce/reduce_rows.wgsl';
import argReduceRowsWgsl from '../../../../shaders/reduce/arg_reduce_rows.wgsl';

const wg = 64;

/** One workgroup per row, on a 2-D grid when rows exceed one grid dimension. */
function rowGrid(p: ReduceParams): [number, number, number] {
  if (p.rows <= maxWorkgroupsPerDim) return [p.rows, 1, 1];
  return [maxWorkgroupsPerDim, Math.ceil(p.rows / maxWorkgroupsPerDim), 1];
}

function reduceKernel(identity: string, combine: string): GpuKernel<ReduceParams> {
  return {
    shader: { file: 'shaders/reduce/reduce_rows.wgsl', code: reduceRowsWgsl },
    prelude:
      `fn reduce_identity() -> f32 { return ${identity}; }\n` +
      `fn reduce_combine(acc: f32, v: f32) -> f32 { return ${combine}; }`,
    constants: () => ({ WG: wg }),
    uniforms: (p) => ({ rows: p.rows, cols: p.cols }),
    workgroups: rowGrid,
  };
}

function argKernel(better: string): GpuKernel<ReduceParams> {
  return {
    shader: { file: 'shaders/reduce/arg_reduce_rows.wgsl', code: argReduceRowsWgsl },
    prelude: `fn arg_better(v: f32, best: f32) -> bool { return ${better}; }`,
    constants: () => ({ WG: wg }),
    uniforms: (p) => ({ rows: p.rows, cols: p.cols }),
    workgroups: rowGrid,
  };
}

const inf = 'f32_inf()';

/** WebGPU dispatches of the row reductions. */
export const reduceGpuKernels: GpuKernels<ReduceKernels> = {
  reduce_sum: reduceKernel('0.0', 'acc + v'),
  reduce_prod: reduceKernel('1.0', 'acc * v'),
  reduce_max: reduceKernel(`-${inf}`, 'max(acc, v)'),
  reduce_min: reduceKernel(inf, 'min(acc, v)'),
  argmax: argKernel('v > best'),
  argmin: argKernel('v < best'),
};
