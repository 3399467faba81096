/**
 * Turns a traced step's commands into what replays run (DESIGN.md, "Step capture", "Fusion"):
 * 1. fusion (fusion_plan.ts) merges elementwise producers into their consumers;
 * 2. every elementwise dispatch, row reduction (sum/max/min/prod) and strided scatter becomes a
 *    generated kernel (codegen.ts); the buffers only such kernels and copies touch, internal to the
 *    step, move into one arena buffer;
 * 3. the commands are ordered by dependency level (schedule.ts) and the generated kernels of one
 *    level and one source run as ONE dispatch, job by job along workgroup z, their addresses read
 *    from a job table. A step of thousands of tiny kernels (the article's force loss, with its
 *    per-pair slices) becomes a few dozen dispatches. Reductions of one level left alone this way
 *    but of one kind and row shape run as one kernel over their rows stacked (a linear
 *    regression's loss and two gradient sums: one dispatch).
 * Handwritten kernels (matmul, convolutions, ...), dynamic dispatches, host code and copies keep
 * their own buffers and run alone.
 */
import type { GpuBuffer } from '../device/buffer_pool.js';
import { newBufferUid } from '../device/buffer_pool.js';
import type { CapturedCommand, CompileGenerated, StaticDispatch } from './capture.js';
import type { CompiledKernel } from '../device/pipelines.js';
import { elementwisePerInvocation, generateKernel, generateStackedReduce, type GeneratedKernel, type GenerationTask, type TreeOrLeaf } from './codegen.js';
import type { FusedTree } from './fusion.js';
import { planFusion, prologueConsumers, type PlanCommand } from './fusion_plan.js';
import { schedule, type ScheduleUnit } from './schedule.js';
import { gpuKernels } from '../dispatch/index.js';
import { ownCode, shaderOf } from '../dispatch/kernel_spec.js';
import { UniformRing } from '../device/uniform_ring.js';
import type { ReduceParams } from '../../../kernel_ids/reduce.js';

/** What compileCapture needs from the recording. */
export interface CaptureContext {
  device: GPUDevice;
  compileGenerated: CompileGenerated;
  /** Internal to the step: allocated and freed while tracing (nothing outside can see it). */
  internal: (b: GpuBuffer) => boolean;
  /** Storage buffers a generated kernel may bind besides the arena, the job table and its output. */
  maxInputs: number;
  /** The values uploaded into buffers while tracing (the last upload of each). */
  uploads: ReadonlyMap<GpuBuffer, Float32Array>;
  /** Uniform slots recorded so far (the traced uniforms of each dispatch); new ones are appended. */
  uniformSlots: Uint8Array[];
}

/** The compiled step: its commands, and the GPU buffers it made (freed with the capture). */
export interface CompiledCapture {
  commands: CapturedCommand[];
  /** Buffers moved into the arena: their pooled buffers can go back to the pool. */
  movedToArena: GpuBuffer[];
  created: GPUBuffer[];
  generatedKernels: number;
}

/** One command or generated kernel of the step, with what it reads and writes. */
interface Unit {
  command?: CapturedCommand;
  task?: GenerationTask;
  /** The dispatch a task replaces (its workgroups, uniforms and kernel id). */
  origin?: StaticDispatch;
  label?: string;
  reads: GpuBuffer[];
  writes: GpuBuffer[];
  partialWrite?: boolean;
  barrier?: boolean;
}

export function compileCapture(commands: readonly CapturedCommand[], ctx: CaptureContext): CompiledCapture {
  const planned: PlanCommand[] = commands.map((c) => {
    if (c.kind === 'dispatch') return { dispatch: c };
    if (c.kind === 'dynamic') return { reads: c.buffers.slice(0, c.firstOutput), writes: c.buffers.slice(c.firstOutput) };
    if (c.kind === 'copy') return { reads: [c.src], writes: [c.dst] };
    return { reads: c.reads, writes: [] };
  });
  const plan = planFusion(planned, ctx.internal, ctx.maxInputs);
  const treeOf = (root: number): FusedTree => ({ root, nodes: plan.nodes, operands: plan.operands });
  // Elementwise commands that run inside a reduction's store.
  const epilogueConsumers = new Set(plan.epilogues.values());

  const units: Unit[] = [];
  commands.forEach((c, i) => {
    if (plan.removed.has(i) || epilogueConsumers.has(i)) return;
    if (c.kind === 'copy') units.push({ command: c, reads: [c.src], writes: [c.dst] });
    else if (c.kind === 'host') units.push({ command: c, reads: c.reads, writes: [], barrier: true });
    else if (c.kind === 'dynamic') units.push({ command: c, reads: c.buffers.slice(0, c.firstOutput), writes: c.buffers.slice(c.firstOutput) });
    else units.push(dispatchUnit(c, i, plan, treeOf, (k) => (commands[k] as StaticDispatch).buffers.at(-1)!));
  });

  // The arena: internal buffers that only generated kernels and copies touch.
  const touchedOtherwise = new Set<GpuBuffer>();
  const candidates = new Set<GpuBuffer>();
  for (const u of units) {
    const generatedOrCopy = u.task !== undefined || u.command?.kind === 'copy';
    for (const b of [...u.reads, ...u.writes]) {
      if (!generatedOrCopy) touchedOtherwise.add(b);
      else if (ctx.internal(b)) candidates.add(b);
    }
  }
  const offsets = new Map<GpuBuffer, number>();
  let arenaSize = 0;
  for (const b of candidates) {
    if (touchedOtherwise.has(b)) continue;
    offsets.set(b, arenaSize);
    arenaSize += Math.max(b.numel, 1);
  }
  const created: GPUBuffer[] = [];
  const arena = makeBuffer(ctx.device, Math.max(arenaSize, 1), GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, 'capture arena');
  created.push(arena.gpu);
  for (const [b, at] of offsets) {
    const data = ctx.uploads.get(b);
    if (data) ctx.device.queue.writeBuffer(arena.gpu, at * 4, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
  }
  const inArena = (b: GpuBuffer): GpuBuffer => {
    const at = offsets.get(b);
    if (at === undefined) return b;
    return { numel: b.numel, gpu: arena.gpu, uid: arena.uid, byteOffset: at * 4, isView: true, parent: arena };
  };

  // Generate every task's kernel; jobs of one source, one binding set and one shape batch together.
  const generated = units.map((u) => {
    if (!u.task) return null;
    const kernel = generateKernel(u.task, (b) => offsets.get(b));
    const origin = u.origin!;
    const invocations = u.task.kind === 'elementwise' ? Math.ceil(kernel.size / elementwisePerInvocation(kernel.size)) : kernel.size;
    const workgroups = u.task.kind === 'reduce' ? origin.workgroups : grid(invocations);
    const constants = u.task.kind === 'reduce' ? (gpuKernels[origin.kernel as 'reduce_sum'].constants?.(origin.params as never) ?? {}) : undefined;
    // Compiled when first dispatched: a reduction that runs stacked never needs its own pipeline.
    let compiled: CompiledKernel | undefined;
    const compile = (): CompiledKernel => (compiled ??= ctx.compileGenerated(kernel, [workgroups[0], workgroups[1], 1], constants));
    const bound = [...kernel.externals, ...kernel.externalOutputs];
    const sizes = u.task.kind === 'reduce' ? Array.from(ctx.uniformSlots[origin.uniformOffset / UniformRing.slotBytes]!.subarray(0, 16)).join(',') : '';
    const key = [kernel.code, JSON.stringify(constants ?? {}), workgroups[0], workgroups[1], sizes, ...bound.map((b) => `${b.uid}@${b.byteOffset}+${b.numel}`)].join(':');
    return { kernel, compile, workgroups, bound, key };
  });
  const scheduleUnits: ScheduleUnit[] = units.map((u, i) => ({
    reads: u.reads,
    writes: u.writes,
    partialWrite: u.partialWrite,
    barrier: u.barrier,
    batchKey: generated[i]?.key,
    stackKey: u.task?.kind === 'reduce' ? stackKey(u.origin!) : undefined,
  }));

  markConstants(units, ctx.internal);
  const jobs: number[] = [];
  const out: CapturedCommand[] = [];
  /** Generated kernels of one source: one dispatch, a job each. */
  const emitBatch = (group: number[]): void => {
    const first = units[group[0]!]!;
    const gen = generated[group[0]!]!;
    const jobBase = jobs.length;
    for (const i of group) jobs.push(...generated[i]!.kernel.params);
    const slot = new Uint8Array(UniformRing.slotBytes);
    if (first.task!.kind === 'reduce') slot.set(ctx.uniformSlots[first.origin!.uniformOffset / UniformRing.slotBytes]!.subarray(0, 16));
    const fields = new Uint32Array(slot.buffer, first.task!.kind === 'reduce' ? 16 : 0, 2);
    fields[0] = jobBase;
    fields[1] = gen.kernel.params.length;
    const uniformOffset = ctx.uniformSlots.push(slot) * UniformRing.slotBytes - UniformRing.slotBytes;
    out.push({
      kind: 'dispatch',
      compiled: gen.compile(),
      kernel: first.label!,
      params: { jobs: group.length },
      firstOutput: 0,
      // The job table's wrapper is filled in below, once the table is complete.
      buffers: [...(gen.kernel.usesArena ? [arena] : []), ...gen.bound, ...(gen.kernel.usesJobs ? [jobTablePlaceholder] : [])],
      workgroups: [gen.workgroups[0], gen.workgroups[1], group.length],
      uniformOffset,
    });
  };
  /** Reductions of different sources and one row shape: one kernel over their rows stacked. */
  const emitStacked = (group: number[]): void => {
    const stacked = stackReductions(group.map((i) => units[i]!), offsets, ctx);
    jobs.push(...stacked.kernel.params);
    out.push({
      kind: 'dispatch',
      compiled: stacked.compiled,
      kernel: `stacked_${units[group[0]!]!.origin!.kernel}`,
      params: { jobs: 1, parts: group.length },
      firstOutput: 0,
      buffers: [...(stacked.kernel.usesArena ? [arena] : []), ...stacked.bound, ...(stacked.kernel.usesJobs ? [jobTablePlaceholder] : [])],
      workgroups: stacked.workgroups,
      uniformOffset: stacked.uniformOffset(jobs.length - stacked.kernel.params.length),
    });
  };

  for (const group of schedule(scheduleUnits)) {
    const gen = generated[group[0]!];
    if (!gen) out.push(withArena(units[group[0]!]!.command!, inArena));
    else if (group.every((i) => generated[i]!.key === gen.key)) emitBatch(group);
    else {
      // A stack binds its parts' buffers together: split it where they would pass the device's
      // limit (besides them: the arena and the job table).
      for (const part of withinBindingLimit(group, (i) => generated[i]!.bound, ctx.maxInputs + 1)) {
        if (part.length === 1) emitBatch(part);
        else emitStacked(part);
      }
    }
  }
  const table = makeBuffer(ctx.device, Math.max(jobs.length, 1), GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 'capture job table');
  created.push(table.gpu);
  if (jobs.length > 0) ctx.device.queue.writeBuffer(table.gpu, 0, new Int32Array(jobs));
  for (const c of out) if (c.kind === 'dispatch') c.buffers = c.buffers.map((b) => (b === jobTablePlaceholder ? table : b));
  return { commands: out, movedToArena: [...offsets.keys()], created, generatedKernels: generated.filter(Boolean).length };
}

/** Kernels whose output depends on their params alone (random ones draw a seed per replay). */
const constantKernels = new Set(['eye', 'fill', 'iota']);

/**
 * Marks the dispatches that compute a constant into a buffer internal to the step that no other
 * command writes (the min-angle loss's 2π·eye): they run on the first replay only.
 */
function markConstants(units: readonly Unit[], internal: (b: GpuBuffer) => boolean): void {
  const writes = new Map<GpuBuffer, number>();
  for (const u of units) for (const b of u.writes) writes.set(b, (writes.get(b) ?? 0) + 1);
  for (const u of units) {
    const c = u.command;
    if (c?.kind !== 'dispatch' || !constantKernels.has(c.kernel) || c.firstOutput !== 0 || c.buffers.length !== 1) continue;
    const out = c.buffers[0]!;
    if (internal(out) && writes.get(out) === 1) c.once = true;
  }
}

/** Consecutive runs of `group` whose bound buffers together number at most `limit`. */
function withinBindingLimit(group: readonly number[], bound: (i: number) => readonly GpuBuffer[], limit: number): number[][] {
  const runs: number[][] = [];
  let run: number[] = [];
  let buffers = new Set<GpuBuffer>();
  for (const i of group) {
    const joined = new Set([...buffers, ...bound(i)]);
    if (run.length > 0 && joined.size > limit) {
      runs.push(run);
      run = [i];
      buffers = new Set(bound(i));
    } else {
      run.push(i);
      buffers = joined;
    }
  }
  runs.push(run);
  return runs;
}

/** The reduction's kernel and row shape (cols, inner, parts): what stacked reductions share. */
function stackKey(origin: StaticDispatch): string {
  const p = origin.params as unknown as ReduceParams;
  return [origin.kernel, p.cols, p.inner ?? 1, p.parts ?? 1].join(':');
}

/** One kernel for independent reductions of one stack key (codegen.ts, generateStackedReduce). */
function stackReductions(parts: Unit[], offsets: ReadonlyMap<GpuBuffer, number>, ctx: CaptureContext) {
  const origin = parts[0]!.origin!;
  const p = origin.params as unknown as ReduceParams;
  const rows = parts.map((u) => (u.origin!.params as unknown as ReduceParams).rows);
  const tasks = parts.map((u, k) => ({ task: u.task as Extract<GenerationTask, { kind: 'reduce' }>, rows: rows[k]! }));
  const kernel: GeneratedKernel = generateStackedReduce(tasks, p.cols * (p.inner ?? 1), (p.parts ?? 1) * (p.inner ?? 1), (b) => offsets.get(b));
  const stackedParams = { ...p, rows: rows.reduce((a, b) => a + b, 0) };
  const spec = gpuKernels[origin.kernel as 'reduce_sum'];
  const workgroups = spec.workgroups(stackedParams);
  const compiled = ctx.compileGenerated(kernel, [workgroups[0], workgroups[1], 1], spec.constants?.(stackedParams) ?? {});
  const uniformOffset = (jobBase: number): number => {
    // The traced slot's sizes (rows, cols, inner, parts: see rowUniforms in dispatch/reduce.ts)
    // with the stacked rows, then the job fields.
    const slot = new Uint8Array(UniformRing.slotBytes);
    slot.set(ctx.uniformSlots[origin.uniformOffset / UniformRing.slotBytes]!.subarray(0, 16));
    const fields = new Uint32Array(slot.buffer, 0, 6);
    fields[0] = stackedParams.rows;
    fields[4] = jobBase;
    fields[5] = kernel.params.length;
    return ctx.uniformSlots.push(slot) * UniformRing.slotBytes - UniformRing.slotBytes;
  };
  return { kernel, compiled, workgroups: [workgroups[0], workgroups[1], 1] as [number, number, number], bound: [...kernel.externals, ...kernel.externalOutputs], uniformOffset };
}

/** A dispatch as a unit: a generation task when its kernel is elementwise, a reduction or a scatter. */
function dispatchUnit(
  c: StaticDispatch,
  i: number,
  plan: ReturnType<typeof planFusion>,
  treeOf: (root: number) => FusedTree,
  outputOf: (command: number) => GpuBuffer,
): Unit {
  const reads = c.buffers.slice(0, c.firstOutput);
  const writes = c.buffers.slice(c.firstOutput);
  const output = writes[0]!;
  if (plan.nodes.has(i)) {
    const tree = treeOf(i);
    const leaves = treeLeaves(tree, i);
    const fused = plan.operands.get(i)!.some((o) => 'child' in o);
    return { task: { kind: 'elementwise', tree, output }, origin: c, label: fused ? 'fused' : c.kernel, reads: leaves, writes };
  }
  if (prologueConsumers.has(c.kernel) && c.firstOutput === 1) {
    const producer = plan.prologues.get(i);
    const input: TreeOrLeaf = producer === undefined ? { leaf: reads[0]! } : { tree: treeOf(producer), root: producer };
    const inputs = producer === undefined ? reads : treeLeaves(treeOf(producer), producer);
    const label = producer === undefined ? c.kernel : `fused_${c.kernel}`;
    if (c.kernel === 'scatter_strided') {
      const p = c.params as { inShape: number[]; outStrides: number[]; outOffset: number };
      const task: GenerationTask = { kind: 'scatter', input, output, inShape: p.inShape, outStrides: p.outStrides, outOffset: p.outOffset };
      return { task, origin: c, label, reads: inputs, writes, partialWrite: true };
    }
    const spec = gpuKernels[c.kernel as 'reduce_sum'];
    const prelude = (typeof spec.prelude === 'function' ? spec.prelude(c.params as never) : (spec.prelude ?? ''))
      .split('\n')
      .filter((line) => !/^fn (load_x|store_out|begin_job)\b/.test(line))
      .join('\n');
    // The file's own text: what it includes comes with every generated kernel (shaders/common/fused.wgsl).
    const reduceSource = ownCode(shaderOf(spec, c.params as never));
    const consumer = plan.epilogues.get(i);
    if (consumer === undefined) return { task: { kind: 'reduce', input, output, reduceSource, prelude }, origin: c, label, reads: inputs, writes };
    // The consumer runs in the store: the reduction writes the consumer's output instead of its own.
    const tree = treeOf(consumer);
    const finalOutput = outputOf(consumer);
    const epilogue = { tree, root: consumer, reduced: output };
    const allReads = [...new Set([...inputs, ...treeLeaves(tree, consumer).filter((b) => b !== output)])];
    const task: GenerationTask = { kind: 'reduce', input, output: finalOutput, reduceSource, prelude, epilogue };
    return { task, origin: c, label: `fused_${c.kernel}`, reads: allReads, writes: [finalOutput] };
  }
  return { command: c, reads, writes };
}

/** The buffers a tree reads. */
function treeLeaves(tree: FusedTree, root: number): GpuBuffer[] {
  const found = new Set<GpuBuffer>();
  const walk = (id: number): void => {
    for (const o of tree.operands.get(id)!) {
      if ('child' in o) walk(o.child);
      else found.add(o.leaf);
    }
  };
  walk(root);
  return [...found];
}

/** A plain command, its buffers moved into the arena where they now live (copies only). */
function withArena(c: CapturedCommand, inArena: (b: GpuBuffer) => GpuBuffer): CapturedCommand {
  if (c.kind === 'copy') return { ...c, src: inArena(c.src), dst: inArena(c.dst) };
  return c;
}

/** Stands for the job table until it is written. */
const jobTablePlaceholder: GpuBuffer = { numel: 0, gpu: null as unknown as GPUBuffer, uid: -1, byteOffset: 0, isView: false };

function makeBuffer(device: GPUDevice, numel: number, usage: number, label: string): GpuBuffer {
  const gpu = device.createBuffer({ label, size: Math.ceil((numel * 4) / 16) * 16, usage });
  return { numel, gpu, uid: newBufferUid(), byteOffset: 0, isView: false };
}

/** Workgroups of 256 covering `size` invocations, on a 2-D grid past 65535. */
function grid(size: number): [number, number] {
  const groups = Math.max(Math.ceil(size / 256), 1);
  if (groups <= 65535) return [groups, 1];
  return [65535, Math.ceil(groups / 65535)];
}
