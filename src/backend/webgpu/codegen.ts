/**
 * WGSL for the generated kernels of a captured step (DESIGN.md, "Fusion"): elementwise trees,
 * row reductions with an elementwise prologue, and strided scatters (the blocks of concat and
 * stack). Every kernel addresses the step's internal buffers inside one arena binding, through
 * per-job integers read from a job table, so that the same source serves every job of one shape
 * (V[i] − V[j] for all pairs) and step capture can run many independent jobs in one dispatch
 * (workgroup z = job). Buffers outside the arena (variables, constants, the step's results) are
 * bound one by one.
 */
import type { GpuBuffer } from './buffer_pool.js';
import { f32Literal, indexExpression, isIdentity, padIndex, type FusedTree } from './fusion.js';

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
  /** True when the output is bound as `out` (outside the arena). */
  externalOutput: boolean;
  /** Whether the source binds the arena and the job table. */
  usesArena: boolean;
  usesJobs: boolean;
  /** This job's integers (arena bases, slice offsets, pad begins, scatter offset). */
  params: number[];
  /** Elements (elementwise) or input elements (scatter) one job covers; 0 for reductions. */
  size: number;
}

/** Collects the bindings and per-job integers while a kernel's source is written. */
class KernelBuilder {
  readonly externals: GpuBuffer[] = [];
  readonly params: number[] = [];
  private readonly bases = new Map<GpuBuffer, number>();
  usesArena = false;

  constructor(
    private readonly arenaOffset: (b: GpuBuffer) => number | undefined,
    readonly output: GpuBuffer,
  ) {}

  get externalOutput(): boolean {
    return this.arenaOffset(this.output) === undefined;
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
    // The output itself, read where it is written (an in-place update, see readsInPlaceOnly).
    if (b === this.output && this.externalOutput) return `out[${index}]`;
    const offset = this.arenaOffset(b);
    if (offset !== undefined) return `arena[${this.base(b, offset)} + ${index}]`;
    let e = this.externals.indexOf(b);
    if (e < 0) e = this.externals.push(b) - 1;
    return `in${e}[${index}]`;
  }

  /** The statement storing `value` at element `index` of the output. */
  write(index: string, value: string): string {
    const offset = this.arenaOffset(this.output);
    if (offset === undefined) return `out[${index}] = ${value};`;
    return `arena[${this.base(this.output, offset)} + ${index}] = ${value};`;
  }

  private base(b: GpuBuffer, offset: number): string {
    this.usesArena = true;
    let k = this.bases.get(b);
    if (k === undefined) {
      k = this.params.push(offset) - 1;
      this.bases.set(b, k);
    }
    return `u32(jp(${k}u))`;
  }

  /** Bindings: the arena, the externals, `out` when outside the arena, then the job table. */
  bindings(): string[] {
    const lines: string[] = [];
    let binding = 0;
    if (this.usesArena) lines.push(`@group(0) @binding(${binding++}) var<storage, read_write> arena: array<f32>;`);
    this.externals.forEach((_, i) => lines.push(`@group(0) @binding(${binding++}) var<storage, read> in${i}: array<f32>;`));
    if (this.externalOutput) lines.push(`@group(0) @binding(${binding++}) var<storage, read_write> out: array<f32>;`);
    if (this.params.length > 0) lines.push(`@group(0) @binding(${binding++}) var<storage, read> jobs: array<i32>;`);
    lines.push(`@group(0) @binding(${binding}) var<uniform> u: Params;`);
    lines.push('var<private> job_base: u32;');
    if (this.params.length > 0) lines.push('fn jp(k: u32) -> i32 { return jobs[job_base + k]; }');
    return lines;
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
function inputOf(input: TreeOrLeaf, kb: KernelBuilder): { fns: string[]; at: (i: string) => string } {
  if ('leaf' in input) return { fns: [], at: (i) => kb.read(input.leaf, i) };
  const { fns, rootName } = emitTree(input.tree, input.root, kb);
  return { fns, at: (i) => `${rootName}(${i})` };
}

const jobStruct = 'struct Params { job_base: u32, job_stride: u32 }';
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
    body = [
      jobStruct,
      ...fns,
      'override WG: u32 = 256u;',
      '@compute @workgroup_size(WG)',
      'fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {',
      beginJob('gid.z'),
      '  let o = linear_index(gid, nwg, WG);',
      `  if (o >= ${size}u) { return; }`,
      `  ${store}`,
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
    const { fns, at } = inputOf(task.input, kb);
    const load = at('i');
    let store = kb.write('i', 'v');
    if (task.epilogue) {
      // The consumer's tree, reading the reduced value where it would read the reduction's output.
      kb.substitute = { buffer: task.epilogue.reduced, expression: 'epilogue_value' };
      const tail = emitTree(task.epilogue.tree, task.epilogue.root, kb, 'epilogue');
      kb.substitute = null;
      fns.push('var<private> epilogue_value: f32;', ...tail.fns);
      store = `epilogue_value = v; ${kb.write('i', `${tail.rootName}(i)`)}`;
    }
    // The reduction's own source without its bindings; its struct Params carries the job fields.
    const source = task.reduceSource
      .split('\n')
      .filter((line) => !line.startsWith('@group(0)'))
      .join('\n');
    body = [
      ...fns,
      `fn load_x(i: u32) -> f32 { return ${load}; }`,
      `fn store_out(i: u32, v: f32) { ${store} }`,
      `fn begin_job(job: u32) {\n${beginJob('job')}\n}`,
      task.prelude,
      source,
    ];
  }
  const code = ['// Generated by src/backend/webgpu/codegen.ts for a captured step.', ...kb.bindings(), ...body].join('\n');
  return { code, externals: kb.externals, externalOutput: kb.externalOutput, usesArena: kb.usesArena, usesJobs: kb.params.length > 0, params: kb.params, size };
}
