import type { GpuKernels } from './index.js';
import { chunkLength, type ArgMergeParams, type ReduceKernels, type ReduceParams } from '../../../kernel_ids/reduce.js';
import { grid1d, gridPerItem, maxWorkgroupsPerDim, type GpuKernel } from './kernel_spec.js';
import reduceRowsWgsl from '../../../../shaders/reduce/reduce_rows.wgsl';
import argReduceRowsWgsl from '../../../../shaders/reduce/arg_reduce_rows.wgsl';
import argMergeRowsWgsl from '../../../../shaders/reduce/arg_merge_rows.wgsl';
import reduceTreeWgsl from '../../../../shaders/reduce/reduce_rows_tree.wgsl';
import reduceSubgroupWgsl from '../../../../shaders/reduce/reduce_rows_subgroup.wgsl';
import { subgroupsUsable } from './matmul.js';
import { sizeClass, tunedSpec, type TunableKernel, type Variant } from '../tuning/variants.js';

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

/** The lavapipe-tuned reduction (the default variant): reduce_rows.wgsl, serial for short chunks. */
function reduceKernel(prelude: string): GpuKernel<ReduceParams> {
  return {
    shader: reduceRowsWgsl,
    prelude,
    constants: (p) => ({ WG: wg, SERIAL: isSerial(p) ? 1 : 0 }),
    uniforms: rowUniforms,
    workgroups: slotGrid,
  };
}

/** Invocations of the tree variants: rows get one wide workgroup; columns WG_I slots by WG_C lanes. */
const treeShapes = {
  tree_256: { rows: { WG_I: 1, WG_C: 256 }, columns: { WG_I: 32, WG_C: 8 } },
  tree_64: { rows: { WG_I: 1, WG_C: 64 }, columns: { WG_I: 16, WG_C: 4 } },
};

/** reduce_rows_tree.wgsl: WG_C lanes per slot, a tree in workgroup memory. */
function treeVariant(prelude: string, name: keyof typeof treeShapes): Variant<ReduceParams> {
  const shape = (p: ReduceParams): { WG_I: number; WG_C: number } => ((p.inner ?? 1) > 1 ? treeShapes[name].columns : treeShapes[name].rows);
  return {
    name,
    spec: {
      shader: reduceTreeWgsl,
      prelude,
      constants: shape,
      uniforms: rowUniforms,
      workgroups: (p) => gridPerItem(Math.ceil((p.rows * (p.parts ?? 1) * (p.inner ?? 1)) / shape(p).WG_I)),
    },
    eligible: (_p, caps) => caps.maxInvocationsPerWorkgroup >= 256,
  };
}

/** Lanes per workgroup of the subgroup reduction. */
const subgroupReduceWg = 256;

/** reduce_rows_subgroup.wgsl: rows only (inner = 1), subgroup butterflies then one barrier. */
function subgroupVariant(prelude: string): Variant<ReduceParams> {
  return {
    name: 'subgroup',
    spec: {
      shader: reduceSubgroupWgsl,
      prelude,
      constants: () => ({ WG: subgroupReduceWg }),
      uniforms: rowUniforms,
      workgroups: (p) => gridPerItem(p.rows * (p.parts ?? 1)),
    },
    eligible: (p, caps) => (p.inner ?? 1) === 1 && subgroupsUsable(caps, subgroupReduceWg, 4),
  };
}

/** A reduction's variants: the lavapipe-tuned default first. */
function reduceVariants(identity: string, combine: string): TunableKernel<ReduceParams> {
  const prelude = `${reductionPrelude(identity, combine)}\n${loadX}`;
  return {
    variants: [{ name: 'lavapipe', spec: reduceKernel(prelude), eligible: () => true }, treeVariant(prelude, 'tree_256'), treeVariant(prelude, 'tree_64'), subgroupVariant(prelude)],
    shapeClass: (p) => `r${sizeClass(p.rows)}c${sizeClass(p.cols)}i${sizeClass(p.inner ?? 1)}p${sizeClass(p.parts ?? 1)}`,
    gpuHeuristic: (p) => {
      const inner = p.inner ?? 1;
      const chunk = chunkLength(p.cols, p.parts ?? 1);
      // Short chunks: one invocation per slot walks them (reduce_rows.wgsl's serial mode).
      if (chunk <= serialMaxCols) return 'lavapipe';
      if (inner > 1) return 'tree_64';
      return chunk >= 4096 ? 'tree_256' : 'tree_64';
    },
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

/** The variants of each reduction (src/backend/webgpu/tuning/registry.ts). */
export const reduceVariantsById = {
  reduce_sum: reduceVariants('0.0', 'acc + v'),
  reduce_prod: reduceVariants('1.0', 'acc * v'),
  reduce_max: reduceVariants(`-${inf}`, `select(max(acc, v), acc + v, ${eitherNaN})`),
  reduce_min: reduceVariants(inf, `select(min(acc, v), acc + v, ${eitherNaN})`),
};

/** WebGPU dispatches of the row reductions. */
export const reduceGpuKernels: GpuKernels<ReduceKernels> = {
  reduce_sum: tunedSpec(reduceVariantsById.reduce_sum),
  reduce_prod: tunedSpec(reduceVariantsById.reduce_prod),
  reduce_max: tunedSpec(reduceVariantsById.reduce_max),
  reduce_min: tunedSpec(reduceVariantsById.reduce_min),
  // NaN beats every number: shaders/common/binary_ops.wgsl.
  argmax: argKernel('arg_max_better(v, best)'),
  argmin: argKernel('arg_min_better(v, best)'),
  argmax_merge: argMergeKernel('arg_max_better(v, best)'),
  argmin_merge: argMergeKernel('arg_min_better(v, best)'),
};
