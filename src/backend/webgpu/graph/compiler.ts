/**
 * Turns a recorded graph's commands (a lazy plan's, or a traced step's) into what runs (DESIGN.md,
 * "One execution path", "Fusion"):
 * 1. fusion (fusion_plan.ts) merges elementwise producers into their consumers;
 * 2. every elementwise dispatch, row reduction (sum/max/min/prod) and strided scatter becomes a
 *    generated kernel (codegen.ts); the buffers only such kernels and copies touch, internal to the
 *    step, move into one arena buffer;
 * 3. the commands are ordered by dependency level (schedule.ts) and the generated kernels of one
 *    level and one source run as ONE dispatch, job by job along workgroup z, their addresses read
 *    from a job table. A step of thousands of tiny kernels (the article's force loss, with its
 *    per-pair slices) becomes a few dozen dispatches. Reductions of one level left alone this way
 *    but of one kind and row shape run as one kernel over their rows stacked (a linear
 *    regression's loss and two gradient sums: one dispatch);
 * 4. the arena is packed by lifetime: buffers whose uses do not overlap share its memory.
 * Handwritten kernels (matmul, convolutions, ...), dynamic dispatches, host code and copies keep
 * their own buffers and run alone; the caller gives the internal ones among those buffers memory
 * (`lifetimes` says when each is in use).
 */
import type { GpuBuffer } from '../device/buffer_pool.js';
import { newBufferUid } from '../device/buffer_pool.js';
import type { CapturedCommand, CompileGenerated, StaticDispatch } from './commands.js';
import type { CompiledKernel } from '../device/pipelines.js';
import { elementwisePerInvocation, generateKernel, generateStackedReduce, type GeneratedKernel, type GenerationTask, type TreeOrLeaf } from './codegen.js';
import type { FusedTree } from './fusion.js';
import { planFusion, prologueConsumers, type PlanCommand } from './fusion_plan.js';
import { schedule, type ScheduleUnit } from './schedule.js';
import { gpuKernels } from '../dispatch/index.js';
import { ownCode, shaderOf } from '../dispatch/kernel_spec.js';
import { UniformRing } from '../device/uniform_ring.js';
import type { ReduceParams } from '../../../kernel_ids/reduce.js';

/** What compileGraph needs from the recording. */
export interface GraphContext {
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
  /**
   * Step capture: constants the step makes for itself (eye, fill, iota into an internal buffer
   * nothing else writes) run on the first replay only. Lazy plans compute them every run.
   */
  constantsOnce: boolean;
}

/** The compiled graph: its commands, and the GPU buffers it made (freed with it). */
export interface CompiledGraph {
  commands: CapturedCommand[];
  /** Buffers moved into the arena: their pooled buffers can go back to the pool. */
  movedToArena: GpuBuffer[];
  created: GPUBuffer[];
  generatedKernels: number;
  /** Arena elements (after packing). */
  arenaSize: number;
  /**
   * For every internal buffer left outside the arena: the first and last index in `commands` of
   * a command that touches it (buffers whose ranges do not overlap may share memory).
   */
  lifetimes: Map<GpuBuffer, [number, number]>;
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

export function compileGraph(commands: readonly CapturedCommand[], ctx: GraphContext): CompiledGraph {
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
  // Membership now; offsets once the order is known (the generated code does not depend on them:
  // a kernel reads its arena bases from the job table).
  const inArenaSet = new Set<GpuBuffer>([...candidates].filter((b) => !touchedOtherwise.has(b)));
  const membership = (b: GpuBuffer): number | undefined => (inArenaSet.has(b) ? 0 : undefined);

  // Generate every task's kernel; jobs of one source, one binding set and one shape batch together.
  const generated = units.map((u) => {
    if (!u.task) return null;
    const kernel = generateKernel(u.task, membership);
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

  if (ctx.constantsOnce) markConstants(units, ctx.internal);
  const jobs: number[] = [];
  /** Job-table entries that hold an arena base, filled in once the arena is packed. */
  const arenaBases: { at: number; buffer: GpuBuffer }[] = [];
  const pushJobs = (kernel: GeneratedKernel): void => {
    for (const { index, buffer } of kernel.arenaParams) arenaBases.push({ at: jobs.length + index, buffer });
    jobs.push(...kernel.params);
  };
  const out: CapturedCommand[] = [];
  /** Per command of `out`: the units it runs (for the lifetimes of the buffers they touch). */
  const runs: number[][] = [];
  /** Generated kernels of one source: one dispatch, a job each. */
  const emitBatch = (group: number[]): void => {
    const first = units[group[0]!]!;
    const gen = generated[group[0]!]!;
    const jobBase = jobs.length;
    for (const i of group) pushJobs(generated[i]!.kernel);
    const slot = new Uint8Array(UniformRing.slotBytes);
    if (first.task!.kind === 'reduce') slot.set(ctx.uniformSlots[first.origin!.uniformOffset / UniformRing.slotBytes]!.subarray(0, 16));
    const fields = new Uint32Array(slot.buffer, first.task!.kind === 'reduce' ? 16 : 0, 2);
    fields[0] = jobBase;
    fields[1] = gen.kernel.params.length;
    const uniformOffset = ctx.uniformSlots.push(slot) * UniformRing.slotBytes - UniformRing.slotBytes;
    runs.push(group);
    out.push({
      kind: 'dispatch',
      compiled: gen.compile(),
      kernel: first.label!,
      params: { jobs: group.length },
      firstOutput: 0,
      // The arena's and the job table's wrappers are filled in below, once they exist.
      buffers: [...(gen.kernel.usesArena ? [arenaPlaceholder] : []), ...gen.bound, ...(gen.kernel.usesJobs ? [jobTablePlaceholder] : [])],
      workgroups: [gen.workgroups[0], gen.workgroups[1], group.length],
      uniformOffset,
    });
  };
  /** Reductions of different sources and one row shape: one kernel over their rows stacked. */
  const emitStacked = (group: number[]): void => {
    const stacked = stackReductions(group.map((i) => units[i]!), membership, ctx);
    const jobBase = jobs.length;
    pushJobs(stacked.kernel);
    runs.push(group);
    out.push({
      kind: 'dispatch',
      compiled: stacked.compiled,
      kernel: `stacked_${units[group[0]!]!.origin!.kernel}`,
      params: { jobs: 1, parts: group.length },
      firstOutput: 0,
      buffers: [...(stacked.kernel.usesArena ? [arenaPlaceholder] : []), ...stacked.bound, ...(stacked.kernel.usesJobs ? [jobTablePlaceholder] : [])],
      workgroups: stacked.workgroups,
      uniformOffset: stacked.uniformOffset(jobBase),
    });
  };

  for (const group of schedule(scheduleUnits)) {
    const gen = generated[group[0]!];
    if (!gen) {
      runs.push(group);
      out.push(units[group[0]!]!.command!);
    } else if (group.every((i) => generated[i]!.key === gen.key)) emitBatch(group);
    else {
      // A stack binds its parts' buffers together: split it where they would pass the device's
      // limit (besides them: the arena and the job table).
      for (const part of withinBindingLimit(group, (i) => generated[i]!.bound, ctx.maxInputs + 1)) {
        if (part.length === 1) emitBatch(part);
        else emitStacked(part);
      }
    }
  }

  // Lifetimes in command order: the arena is packed by them, the other internal buffers are
  // returned for the caller to place.
  const lifetimes = new Map<GpuBuffer, [number, number]>();
  runs.forEach((group, at) => {
    for (const i of group) {
      const u = units[i]!;
      for (const b of [...u.reads, ...u.writes, ...(generated[i]?.bound ?? [])]) {
        if (!ctx.internal(b)) continue;
        const span = lifetimes.get(b);
        if (span) span[1] = at;
        else lifetimes.set(b, [at, at]);
      }
    }
  });
  // Values uploaded while tracing stay where they are from one replay to the next: their place
  // is not shared.
  const pinned = new Set([...inArenaSet].filter((b) => ctx.uploads.has(b)));
  const { offsets, size: arenaSize } = packByLifetime([...inArenaSet], (b) => (pinned.has(b) ? null : lifetimes.get(b) ?? null), (b) => Math.max(b.numel, 1));
  for (const { at, buffer } of arenaBases) jobs[at] = offsets.get(buffer)!;

  const created: GPUBuffer[] = [];
  const arena = makeBuffer(ctx.device, Math.max(arenaSize, 1), GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, 'graph arena');
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
  const table = makeBuffer(ctx.device, Math.max(jobs.length, 1), GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, 'graph job table');
  created.push(table.gpu);
  if (jobs.length > 0) ctx.device.queue.writeBuffer(table.gpu, 0, new Int32Array(jobs));
  const commandsOut = out.map((c) => {
    if (c.kind === 'copy') return withArena(c, inArena);
    if (c.kind !== 'dispatch') return c;
    if (!c.buffers.includes(arenaPlaceholder) && !c.buffers.includes(jobTablePlaceholder)) return c;
    return { ...c, buffers: c.buffers.map((b) => (b === arenaPlaceholder ? arena : b === jobTablePlaceholder ? table : b)) };
  });
  for (const b of inArenaSet) lifetimes.delete(b);
  return { commands: commandsOut, movedToArena: [...offsets.keys()], created, generatedKernels: generated.filter(Boolean).length, arenaSize, lifetimes };
}

/**
 * Places buffers in one linear memory by lifetime: a buffer takes the lowest free range when its
 * first use comes and gives it back after its last; `span` null: kept for the whole run. Returns
 * each buffer's offset and the memory's size (in the units of `size`).
 */
export function packByLifetime<B>(buffers: readonly B[], span: (b: B) => readonly [number, number] | null, size: (b: B) => number): { offsets: Map<B, number>; size: number } {
  const offsets = new Map<B, number>();
  let top = 0;
  // Fixed places first, below everything else.
  const moving: { b: B; first: number; last: number }[] = [];
  for (const b of buffers) {
    const s = span(b);
    if (s === null) {
      offsets.set(b, top);
      top += size(b);
    } else moving.push({ b, first: s[0], last: s[1] });
  }
  moving.sort((x, y) => x.first - y.first || x.last - y.last);
  /** Free ranges [start, end), sorted by start. */
  let free: [number, number][] = [];
  const live: { end: number; start: number; stop: number }[] = [];
  for (const m of moving) {
    // Give back what ended before this first use.
    for (let k = live.length - 1; k >= 0; k--) {
      if (live[k]!.end < m.first) {
        free = release(free, live[k]!.start, live[k]!.stop);
        live.splice(k, 1);
      }
    }
    const need = size(m.b);
    let at = -1;
    for (const range of free) {
      if (range[1] - range[0] >= need) {
        at = range[0];
        range[0] += need;
        break;
      }
    }
    if (at < 0) {
      // Grow: a free range that reaches the top is extended.
      const last = free.at(-1);
      if (last && last[1] === top) {
        at = last[0];
        free.pop();
      } else at = top;
      top = at + need;
    }
    free = free.filter((r) => r[1] > r[0]);
    offsets.set(m.b, at);
    live.push({ end: m.last, start: at, stop: at + need });
  }
  return { offsets, size: top };
}

/** Adds [start, stop) to sorted free ranges, merging neighbours. */
function release(free: [number, number][], start: number, stop: number): [number, number][] {
  const all = [...free, [start, stop] as [number, number]].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of all) {
    const last = merged.at(-1);
    if (last && last[1] >= r[0]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
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
function stackReductions(parts: Unit[], membership: (b: GpuBuffer) => number | undefined, ctx: GraphContext) {
  const origin = parts[0]!.origin!;
  const p = origin.params as unknown as ReduceParams;
  const rows = parts.map((u) => (u.origin!.params as unknown as ReduceParams).rows);
  const tasks = parts.map((u, k) => ({ task: u.task as Extract<GenerationTask, { kind: 'reduce' }>, rows: rows[k]! }));
  const kernel: GeneratedKernel = generateStackedReduce(tasks, p.cols * (p.inner ?? 1), (p.parts ?? 1) * (p.inner ?? 1), membership);
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

/** Stand for the job table and the arena until they exist. */
const jobTablePlaceholder: GpuBuffer = { numel: 0, gpu: null as unknown as GPUBuffer, uid: -1, byteOffset: 0, isView: false };
const arenaPlaceholder: GpuBuffer = { numel: 0, gpu: null as unknown as GPUBuffer, uid: -2, byteOffset: 0, isView: false };

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
