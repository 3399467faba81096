import type { GpuKernels } from './index.js';
import { chunkLength, type ArgMergeParams, type ReduceKernels, type ReduceParams } from '../../../kernel_ids/reduce.js';
import { grid1d, maxWorkgroupsPerDim, type GpuKernel } from './kernel_spec.js';
import reduceRowsWgsl from '../../../../shaders/reduce/reduce_rows.wgsl';
import argReduceRowsWgsl from '../../../../shaders/reduce/arg_reduce_rows.wgsl';
import argMergeRowsWgsl from '../../../../shaders/reduce/arg_merge_rows.wgsl';

const wg = 64;

/**
 * Chunks of at most this many elements are reduced by one invocation each instead of one
 * workgroup each: a workgroup of 64 for a row of 3 would leave 61 invocations idle and still
 * pay for the tree in workgroup memory.
 */
const serialMaxCols = 32;

/** One invocation per output element: short chunks, and any strided (inner > 1) reduction. */
function isSerial(p: ReduceParams): boolean {
  return (p.inner ?? 1) > 1 || chunkLength(p.cols, p.parts ?? 1) <= serialMaxCols;
}

/** One workgroup per output element, on a 2-D grid past 65535; serial: one invocation each. */
function slotGrid(p: ReduceParams): [number, number, number] {
  const slots = p.rows * (p.parts ?? 1) * (p.inner ?? 1);
  if (isSerial(p)) return grid1d(slots, wg);
  if (slots <= maxWorkgroupsPerDim) return [slots, 1, 1];
  return [maxWorkgroupsPerDim, Math.ceil(slots / maxWorkgroupsPerDim), 1];
}

function uniforms(p: ReduceParams | ArgMergeParams): { rows: number; cols: number; inner: number; parts: number } {
  return { rows: p.rows, cols: p.cols, inner: p.inner ?? 1, parts: p.parts ?? 1 };
}

/** The row reduction's uniforms: the sizes, and one job (step capture batches several). */
function rowUniforms(p: ReduceParams): ReturnType<typeof uniforms> & { job_base: number; job_stride: number } {
  return { ...uniforms(p), job_base: 0, job_stride: 0 };
}

function reduceKernel(identity: string, combine: string): GpuKernel<ReduceParams> {
  return {
    shader: reduceRowsWgsl,
    prelude: `${reductionPrelude(identity, combine)}\n${loadX}`,
    constants: (p) => ({ WG: wg, SERIAL: isSerial(p) ? 1 : 0 }),
    uniforms: rowUniforms,
    workgroups: slotGrid,
  };
}

/**
 * How the handwritten row reduction reads its input, writes its output and starts a job; step
 * capture's generated reductions supply their own (src/backend/webgpu/graph/codegen.ts). One per line.
 */
export const loadX = [
  'fn load_x(i: u32) -> f32 { return x[i]; }',
  'fn store_out(i: u32, v: f32) { out[i] = v; }',
  'fn begin_job(job: u32) {}',
].join('\n');

function reductionPrelude(identity: string, combine: string): string {
  return `fn reduce_identity() -> f32 { return ${identity}; }\nfn reduce_combine(acc: f32, v: f32) -> f32 { return ${combine}; }`;
}

function argKernel(better: string): GpuKernel<ReduceParams> {
  return {
    shader: argReduceRowsWgsl,
    prelude: `fn arg_better(v: f32, best: f32) -> bool { return ${better}; }`,
    constants: (p) => ({ WG: wg, SERIAL: isSerial(p) ? 1 : 0 }),
    uniforms,
    workgroups: slotGrid,
  };
}

function argMergeKernel(better: string): GpuKernel<ArgMergeParams> {
  return {
    shader: argMergeRowsWgsl,
    prelude: `fn arg_better(v: f32, best: f32) -> bool { return ${better}; }`,
    constants: () => ({ WG: wg }),
    uniforms,
    workgroups: (p) => grid1d(p.rows * (p.inner ?? 1), wg),
  };
}

const inf = 'f32_inf()';
// max/min propagate NaN (as TensorFlow's reductions do); WGSL's max/min need not.
const eitherNaN = 'op_is_nan(acc, 0.0, 0.0) + op_is_nan(v, 0.0, 0.0) > 0.0';

/** WebGPU dispatches of the row reductions. */
export const reduceGpuKernels: GpuKernels<ReduceKernels> = {
  reduce_sum: reduceKernel('0.0', 'acc + v'),
  reduce_prod: reduceKernel('1.0', 'acc * v'),
  reduce_max: reduceKernel(`-${inf}`, `select(max(acc, v), acc + v, ${eitherNaN})`),
  reduce_min: reduceKernel(inf, `select(min(acc, v), acc + v, ${eitherNaN})`),
  // NaN beats every number: shaders/common/binary_ops.wgsl.
  argmax: argKernel('arg_max_better(v, best)'),
  argmin: argKernel('arg_min_better(v, best)'),
  argmax_merge: argMergeKernel('arg_max_better(v, best)'),
  argmin_merge: argMergeKernel('arg_min_better(v, best)'),
};
