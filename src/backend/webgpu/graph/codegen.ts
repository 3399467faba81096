/**
 * WGSL for the generated kernels of a captured step (DESIGN.md, "Fusion"): elementwise trees,
 * row reductions with an elementwise prologue, and strided scatters (the blocks of concat and
 * stack). Every kernel addresses the step's internal buffers inside one arena binding, through
 * per-job integers read from a job table, so that the same source serves every job of one shape
 * (V[i] − V[j] for all pairs) and step capture can run many independent jobs in one dispatch
 * (workgroup z = job). Buffers outside the arena (variables, constants, the step's results) are
 * bound one by one.
 */
import type { GpuBuffer } from '../device/buffer_pool.js';
import { f32Literal, indexExpression, isIdentity, padIndex, runtimeZero, type FusedTree } from './fusion.js';
import type { KernelLayout, UniformField } from '../dispatch/kernel_spec.js';

/** What to generate: an elementwise tree, or a reduction / scatter whose input is a tree or a buffer. */
export type GenerationTask =
  | { kind: 'elementwise'; tree: FusedTree; output: GpuBuffer }
  | { kind: 'reduce'; input: TreeOrLeaf; output: GpuBuffer; reduceSource: string; prelude: string; epilogue?: Epilogue }
  | { kind: 'scatter'; input: TreeOrLeaf; output: GpuBuffer; inShape: readonly number[]; outStrides: readonly number[]; outOffset: number };

/**
 * An elementwise tree a reduction's store computes (FusionPlan.epilogues): `reduced`, the
 * reduction's own output, is read in it element for element, as the value being stored.
 */
export interface Epilogue {
  tree: FusedTree;
  root: number;
  reduced: GpuBuffer;
}

/** A reduction's or scatter's input: computed by a tree (rooted at `root`), or read from a buffer. */
export type TreeOrLeaf = { tree: FusedTree; root: number } | { leaf: GpuBuffer };

/** A generated kernel: its source, and per job the buffers it binds and the integers it reads. */
export interface GeneratedKernel {
  code: string;
  /** Buffers bound one by one (not in the arena), in binding order after the arena. */
  externals: GpuBuffer[];
  /** Outputs outside the arena, bound as out0, out1, ... after the externals. */
  externalOutputs: GpuBuffer[];
  /** Whether the source binds the arena and the job table. */
  usesArena: boolean;
  usesJobs: boolean;
  /** This job's integers (arena bases, slice offsets, pad begins, scatter offset). */
  params: number[];
  /** Which of `params` are arena bases, and of which buffer (the arena is packed afterwards). */
  arenaParams: { index: number; buffer: GpuBuffer }[];
  /** Elements (elementwise) or input elements (scatter) one job covers; 0 for reductions. */
  size: number;
  /** The bindings and uniform struct of `code`, stated as it is written (nothing reflects it). */
  layout: KernelLayout;
}

/** Collects the bindings and per-job integers while a kernel's source is written. */
class KernelBuilder {
  readonly externals: GpuBuffer[] = [];
  readonly externalOutputs: GpuBuffer[] = [];
  readonly params: number[] = [];
  readonly arenaParams: { index: number; buffer: GpuBuffer }[] = [];
  private readonly bases = new Map<GpuBuffer, number>();
  usesArena = false;

  /** `output`: what write() stores into; a stacked reduction switches it part by part. */
  constructor(
    private readonly arenaOffset: (b: GpuBuffer) => number | undefined,
    public output: GpuBuffer,
  ) {}

  /** The binding name of the current output when it is outside the arena, else null. */
  private outputName(): string | null {
    if (this.arenaOffset(this.output) !== undefined) return null;
    let k = this.externalOutputs.indexOf(this.output);
    if (k < 0) k = this.externalOutputs.push(this.output) - 1;
    return `out${k}`;
  }

  /** A per-job integer: `jp(k)`. */
  param(value: number): string {
    return `jp(${this.params.push(value) - 1}u)`;
  }

  /** A buffer whose reads are replaced by an expression (an epilogue's reduced value). */
  substitute: { buffer: GpuBuffer; expression: string } | null = null;

  /** Element `index` of buffer b. */
  read(b: GpuBuffer, index: string): string {
    if (this.substitute && b === this.substitute.buffer) return this.substitute.expression;
    const offset = this.arenaOffset(b);
    // The output itself, read where it is written (an in-place update, see readsInPlaceOnly).
    if (b === this.output && offset === undefined) return `${this.outputName()}[${index}]`;
    if (offset !== undefined) return `arena[${this.base(b, offset)} + ${index}]`;
    let e = this.externals.indexOf(b);
    if (e < 0) e = this.externals.push(b) - 1;
    return `in${e}[${index}]`;
  }

  /** The statement storing `value` at element `index` of the output. */
  write(index: string, value: string): string {
    const name = this.outputName();
    if (name) return `${name}[${index}] = ${value};`;
    return `arena[${this.base(this.output, this.arenaOffset(this.output)!)} + ${index}] = ${value};`;
  }

  private base(b: GpuBuffer, offset: number): string {
    this.usesArena = true;
    let k = this.bases.get(b);
    if (k === undefined) {
      k = this.params.push(offset) - 1;
      this.bases.set(b, k);
      this.arenaParams.push({ index: k, buffer: b });
    }
    return `u32(jp(${k}u))`;
  }

  /** Bindings: the arena, the externals, the outputs outside the arena, then the job table. */
  bindings(): string[] {
    const lines: string[] = [];
    let binding = 0;
    if (this.usesArena) lines.push(`@group(0) @binding(${binding++}) var<storage, read_write> arena: array<f32>;`);
    this.externals.forEach((_, i) => lines.push(`@group(0) @binding(${binding++}) var<storage, read> in${i}: array<f32>;`));
    this.externalOutputs.forEach((_, i) => lines.push(`@group(0) @binding(${binding++}) var<storage, read_write> out${i}: array<f32>;`));
    if (this.params.length > 0) lines.push(`@group(0) @binding(${binding++}) var<storage, read> jobs: array<i32>;`);
    lines.push(`@group(0) @binding(${binding}) var<uniform> u: Params;`);
    lines.push('var<private> job_base: u32;');
    lines.push(`var<private> ${runtimeZero}: u32;`);
    if (this.params.length > 0) lines.push('fn jp(k: u32) -> i32 { return jobs[job_base + k]; }');
    return lines;
  }

  /** The storage bindings that bindings() declares, in order. */
  storage(): KernelLayout['storage'] {
    return [
      ...(this.usesArena ? (['read_write'] as const) : []),
      ...this.externals.map(() => 'read' as const),
      ...this.externalOutputs.map(() => 'read_write' as const),
      ...(this.params.length > 0 ? (['read'] as const) : []),
    ];
  }
}

/** Node functions `fn <prefix>_<n>(j: u32) -> f32` of the tree under `root`, named in emission order. */
function emitTree(tree: FusedTree, root: number, kb: KernelBuilder, prefix = 'node'): { fns: string[]; rootName: string } {
  const fns: string[] = [];
  let emitted = 0;
  const emit = (id: number): string => {
    const node = tree.nodes.get(id)!;
    const name = `${prefix}_${emitted++}`;
    const lines: string[] = [];
    const rank = node.shape.length;
    const needsCoords = node.operands.some((op) => op.uniformOffset || op.pad || !isIdentity(op, node.shape));
    if (needsCoords) {
      lines.push('  var rem = j;');
      for (let d = rank - 1; d >= 0; d--) {
        lines.push(`  let c${d} = rem % ${node.shape[d]!}u;`);
        if (d > 0) lines.push(`  rem = rem / ${node.shape[d]!}u;`);
      }
    }
    const args = node.operands.map((op, k) => {
      const source = tree.operands.get(id)![k]!;
      const read = (index: string): string => ('child' in source ? `${emit(source.child)}(${index})` : kb.read(source.leaf, index));
      if (op.pad) {
        const { index, inside } = padIndex(op.pad, rank, lines, k, (v) => kb.param(v));
        return `select(${f32Literal(op.pad.padValue)}, ${read(index)}, ${inside})`;
      }
      if (op.uniformOffset) return read(indexExpression(op, rank, kb.param(op.offset)));
      return read(isIdentity(op, node.shape) ? 'j' : indexExpression(op, rank));
    });
    lines.push(`  return ${node.apply(args)};`);
    fns.push(`fn ${name}(j: u32) -> f32 {\n${lines.join('\n')}\n}`);
    return name;
  };
  return { fns, rootName: emit(root) };
}

/** The expression computing input element `i` of a reduction or scatter. */
function inputOf(input: TreeOrLeaf, kb: KernelBuilder, prefix = 'node'): { fns: string[]; at: (i: string) => string } {
  if ('leaf' in input) return { fns: [], at: (i) => kb.read(input.leaf, i) };
  const { fns, rootName } = emitTree(input.tree, input.root, kb, prefix);
  return { fns, at: (i) => `${rootName}(${i})` };
}

const jobStruct = 'struct Params { job_base: u32, job_stride: u32 }';

const u32At = (offset: number): UniformField => ({ offset, kind: 'u32', count: 1, stride: 4 });

/** jobStruct's layout: the uniforms of generated elementwise and scatter kernels. */
const jobUniform: KernelLayout['uniform'] = { bytes: 8, fields: { job_base: u32At(0), job_stride: u32At(4) } };

/**
 * The layout of struct Params of shaders/reduce/reduce_rows.wgsl, which a generated reduction
 * keeps with the rest of that file's text (test/engine/shader_modules.test.ts checks the two agree).
 */
const reduceUniform: KernelLayout['uniform'] = {
  bytes: 24,
  fields: { rows: u32At(0), cols: u32At(4), inner: u32At(8), parts: u32At(12), job_base: u32At(16), job_stride: u32At(20) },
};

/**
 * Elements one invocation of a generated elementwise kernel computes: four for big tensors (on
 * lavapipe an invocation's memory accesses cost about the same for one element as for four), one
 * for small ones (the force loss's jobs of 32 values ran slower with four; docs/lavapipe.md).
 */
export function elementwisePerInvocation(size: number): number {
  return size >= 4096 ? 4 : 1;
}

const beginJob = (job: string): string => `  job_base = u.job_base + ${job} * u.job_stride;`;

/**
 * Generates one task's kernel. `arenaOffset` gives the element offset of a buffer that lives in
 * the arena (undefined for the others).
 */
export function generateKernel(task: GenerationTask, arenaOffset: (b: GpuBuffer) => number | undefined): GeneratedKernel {
  const kb = new KernelBuilder(arenaOffset, task.output);
  let body: string[];
  let size = 0;
  if (task.kind === 'elementwise') {
    const { fns, rootName } = emitTree(task.tree, task.tree.root, kb);
    size = task.tree.nodes.get(task.tree.root)!.shape.reduce((a, b) => a * b, 1);
    const store = kb.write('o', `${rootName}(o)`);
    const perInvocation = elementwisePerInvocation(size);
    body = [
      jobStruct,
      ...fns,
      'override WG: u32 = 256u;',
      '@compute @workgroup_size(WG)',
      'fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {',
      beginJob('gid.z'),
      `  let o0 = ${perInvocation}u * linear_index(gid, nwg, WG);`,
      `  for (var k = 0u; k < ${perInvocation}u; k++) {`,
      '    let o = o0 + k;',
      `    if (o < ${size}u) { ${store} }`,
      '  }',
      '}',
    ];
  } else if (task.kind === 'scatter') {
    const { fns, at } = inputOf(task.input, kb);
    size = task.inShape.reduce((a, b) => a * b, 1);
    const terms = [kb.param(task.outOffset)];
    const coords = ['  var rem = i;'];
    for (let d = task.inShape.length - 1; d >= 0; d--) {
      coords.push(`  let c${d} = rem % ${task.inShape[d]!}u;`);
      if (d > 0) coords.push(`  rem = rem / ${task.inShape[d]!}u;`);
      if (task.outStrides[d] !== 0) terms.push(`i32(c${d}) * ${task.outStrides[d]}`);
    }
    const value = at('i');
    body = [
      jobStruct,
      ...fns,
      'override WG: u32 = 256u;',
      '@compute @workgroup_size(WG)',
      'fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {',
      beginJob('gid.z'),
      '  let i = linear_index(gid, nwg, WG);',
      `  if (i >= ${size}u) { return; }`,
      ...coords,
      `  ${kb.write(`u32(${terms.join(' + ')})`, value)}`,
      '}',
    ];
  } else {
    const { fns, load, store } = reducePart(task, kb, '');
    body = [...fns, `fn load_x(i: u32) -> f32 { return ${load('i')}; }`, `fn store_out(i: u32, v: f32) { ${store('i')} }`, ...reduceTail(task)];
  }
  return finish(kb, body, size, task.kind === 'reduce' ? reduceUniform : jobUniform);
}

function finish(kb: KernelBuilder, body: string[], size: number, uniform: KernelLayout['uniform']): GeneratedKernel {
  // Integers asked for by reads that were then dropped (an epilogue reads the reduced value
  // instead of its operand) leave the job table unread: it is not bound at all.
  if (kb.params.length > 0 && !body.some((line) => line.includes('jp('))) {
    kb.params.length = 0;
    kb.arenaParams.length = 0;
  }
  const code = ['// Generated by src/backend/webgpu/graph/codegen.ts for a compiled graph.', ...kb.bindings(), ...body].join('\n');
  const layout: KernelLayout = { entryPoint: 'main', storage: kb.storage(), uniform };
  return {
    code,
    externals: kb.externals,
    externalOutputs: kb.externalOutputs,
    usesArena: kb.usesArena,
    usesJobs: kb.params.length > 0,
    params: kb.params,
    arenaParams: kb.arenaParams,
    size,
    layout,
  };
}

type ReduceTask = Extract<GenerationTask, { kind: 'reduce' }>;

/**
 * A reduction's input load and output store (with its epilogue) as expressions of an index,
 * their node functions named with `prefix` (distinct per part of a stacked reduction).
 */
function reducePart(task: ReduceTask, kb: KernelBuilder, prefix: string): { fns: string[]; load: (i: string) => string; store: (i: string) => string } {
  kb.output = task.output;
  const { fns, at } = inputOf(task.input, kb, `${prefix}node`);
  const output = task.output;
  if (!task.epilogue) {
    return {
      fns,
      load: at,
      store: (i) => {
        kb.output = output;
        return kb.write(i, 'v');
      },
    };
  }
  // The consumer's tree, reading the reduced value where it would read the reduction's output.
  kb.substitute = { buffer: task.epilogue.reduced, expression: 'epilogue_value' };
  const tail = emitTree(task.epilogue.tree, task.epilogue.root, kb, `${prefix}epilogue`);
  kb.substitute = null;
  fns.push(...tail.fns);
  return {
    fns,
    load: at,
    store: (i) => {
      kb.output = output;
      return `epilogue_value = v; ${kb.write(i, `${tail.rootName}(${i})`)}`;
    },
  };
}

/** What follows load_x and store_out in a generated reduction: begin_job, the prelude, the shader. */
function reduceTail(task: ReduceTask): string[] {
  // The reduction's own source without its bindings; its struct Params carries the job fields.
  const source = task.reduceSource
    .split('\n')
    .filter((line) => !line.startsWith('@group(0)'))
    .join('\n');
  return ['var<private> epilogue_value: f32;', `fn begin_job(job: u32) {\n${beginJob('job')}\n}`, task.prelude, source];
}

/** A part of a stacked reduction: a reduction task and its rows. */
export interface StackedPart {
  task: ReduceTask;
  rows: number;
}

/**
 * Several independent row reductions of one kind and one row shape (cols, parts, inner) as ONE
 * reduction over their rows stacked: input element i and output slot i belong to the part whose
 * range holds them, and each part reads and writes its own buffers (its prologue and epilogue
 * included). The stacked dispatch runs with rows = Σ rows; `elementsPerRow` = cols·inner and
 * `slotsPerRow` = parts·inner. The branches depend only on the index: uniform within a workgroup
 * of the reduction (one slot each), or one per invocation (serial).
 */
export function generateStackedReduce(parts: readonly StackedPart[], elementsPerRow: number, slotsPerRow: number, arenaOffset: (b: GpuBuffer) => number | undefined): GeneratedKernel {
  const kb = new KernelBuilder(arenaOffset, parts[0]!.task.output);
  const fns: string[] = [];
  const loads: string[] = [];
  const stores: string[] = [];
  let row = 0;
  parts.forEach((part, k) => {
    const { fns: partFns, load, store } = reducePart(part.task, kb, `p${k}_`);
    fns.push(...partFns);
    const element = row * elementsPerRow;
    const slot = row * slotsPerRow;
    row += part.rows;
    const last = k === parts.length - 1;
    // The last part takes everything past the others (no bound check: the kernel stays in range).
    const value = load(`i - ${element}u`);
    loads.push(last ? `return ${value};` : `if (i < ${row * elementsPerRow}u) { return ${value}; }`);
    stores.push(`${last ? '' : `if (i < ${row * slotsPerRow}u) `}{ ${store(`i - ${slot}u`)} return; }`);
  });
  const body = [
    ...fns,
    `fn load_x(i: u32) -> f32 {\n  ${loads.join('\n  ')}\n}`,
    `fn store_out(i: u32, v: f32) {\n  ${stores.join('\n  ')}\n}`,
    ...reduceTail(parts[0]!.task),
  ];
  return finish(kb, body, 0, reduceUniform);
}
