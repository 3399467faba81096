/**
 * A compiled plan (DESIGN.md, "One execution path"): the commands a pending graph compiles to,
 * written against slots instead of buffers, so that the next graph of the same structure (the
 * next iteration of a loop) runs the same plan with its own buffers bound. What the graph keeps
 * to itself (tidy-disposed intermediates) lives in the plan's own memory: an arena shared by
 * lifetime for the generated kernels, pooled buffers shared by lifetime for the handwritten ones.
 *
 * compilePlan: slots become placeholders (external and live buffers) or internal buffers, nodes
 * whose results nobody reads are dropped, each dispatch gets its pipeline and packed uniforms,
 * and the graph compiler (compiler.ts: fusion, generated kernels, batching) runs over them.
 * Plan.run encodes the commands, binding each placeholder to the buffer its slot holds now;
 * bind groups are cached by the buffers they bind, so a loop whose pool hands back the same
 * buffers makes none.
 */
import type { GpuBuffer } from '../device/buffer_pool.js';
import { newBufferUid } from '../device/buffer_pool.js';
import type { CompiledKernel } from '../device/pipelines.js';
import { packUniforms } from '../device/pipelines.js';
import { UniformRing } from '../device/uniform_ring.js';
import { gpuKernels } from '../dispatch/index.js';
import type { GpuKernel } from '../dispatch/kernel_spec.js';
import type { KernelId } from '../../../kernel_ids/registry.js';
import type { CapturedCommand, CompileGenerated, DynamicDispatch, StaticDispatch } from './commands.js';
import { compileGraph } from './compiler.js';
import type { GraphNode, NodeTemplate, Recording } from './recording.js';
import type { Signature } from './signature.js';

/** What compilePlan needs from the backend. */
export interface PlanContext {
  device: GPUDevice;
  /** The pipeline of a kernel id with these params (cached by the backend). */
  pipeline: (kernel: KernelId, spec: GpuKernel<object>, params: object) => CompiledKernel;
  compileGenerated: CompileGenerated;
  /** Storage buffers a generated kernel may bind besides the arena, the job table and its output. */
  maxInputs: number;
  /** Fuse and batch (false: one dispatch per node, bit for bit as eager dispatches). */
  fuse: boolean;
  /**
   * Step capture: constants the graph makes for itself (eye, fill, iota into an internal buffer
   * nothing else writes) run on the first run only, their buffer kept for them.
   */
  constantsOnce?: boolean;
  /** A pooled buffer for the plan's own use, and its return. */
  acquire: (numel: number) => GpuBuffer;
  release: (b: GpuBuffer) => void;
}

/** What Plan.run needs from the backend. */
export interface PlanRunner {
  /** The open compute pass (a new one after a copy or a submit). */
  computePass(): GPUComputePassEncoder;
  /** Encodes a buffer copy (ends the pass). */
  copy(src: GpuBuffer, dst: GpuBuffer, numel: number): void;
  /** Packs a dispatch's uniforms into the ring (submitting first if it is full): their offset. */
  ringUniforms(compiled: CompiledKernel, spec: GpuKernel<object>, params: object): number;
  readonly ringBuffer: GPUBuffer;
  /** A bind group for these buffers and this uniform buffer, cached by their identity. */
  bindGroup(compiled: CompiledKernel, buffers: readonly GpuBuffer[], uniforms: GPUBuffer, label: string): GPUBindGroup;
  /** Counts an encoded dispatch. */
  dispatched(): void;
  /** Runs host code (step capture) so that what it encodes lands where the plan is. */
  runHost(run: () => void): void;
}

/** The params of a dynamic dispatch for this run, from the node that recorded it. */
export type ParamsOf = (node: number) => object;

/** A plan's dispatch, with what it needs to be bound at run time. */
interface BoundDispatch {
  command: StaticDispatch | DynamicDispatch;
  /** Positions in `buffers` of placeholders (bound per run); empty: bound once. */
  placeholders: number[];
  /** The bind group of the last run, and the identities of the buffers it bound. */
  group?: GPUBindGroup;
  bound?: GpuBuffer[];
  /** Names the nodes the command computes (for validation errors, through Dawn's labels). */
  label: string;
}

/** A dispatch of the graph before compilation, with the node it came from. */
const nodeOf = new WeakMap<object, number>();

/** Where a node was recorded, for error messages. */
function nodeName(nodes: readonly GraphNode[], i: number): string {
  const n = nodes[i]!;
  const what = n.kind === 'dispatch' ? n.kernel : n.kind;
  const stack = n.kind === 'host' ? undefined : n.stack;
  return `${what} (node ${i + 1} of ${nodes.length} of the recorded graph)${stack ? `\n${stack}` : ''}`;
}

/** What a node reads and writes. */
function nodeIo(n: GraphNode): { reads: GpuBuffer[]; writes: GpuBuffer[] } {
  if (n.kind === 'copy') return { reads: [n.src], writes: [n.dst] };
  if (n.kind === 'host') return { reads: n.reads, writes: [] };
  return { reads: n.buffers.slice(0, n.firstOutput), writes: n.buffers.slice(n.firstOutput) };
}

/** Compiles a sealed recording into a plan. Throws an error naming the node that failed. */
export function compilePlan(rec: Recording, signature: Signature, ctx: PlanContext): Plan {
  const nodes = rec.nodes;
  // Slots -> the plan's buffers: placeholders for what the run binds, internal buffers otherwise.
  const rootDummies = new Map<number, { gpu: GPUBuffer; uid: number }>();
  const rootOf = (key: number): { gpu: GPUBuffer; uid: number } => {
    let d = rootDummies.get(key);
    if (!d) {
      d = { gpu: {} as GPUBuffer, uid: newBufferUid() };
      rootDummies.set(key, d);
    }
    return d;
  };
  const internal = new Set<GpuBuffer>();
  const slots = rec.slots;
  const planBuffers: GpuBuffer[] = slots.map((s, k) => {
    const b = s.buffer;
    if (s.born && b.pendingFreed) {
      const own: GpuBuffer = { numel: b.numel, gpu: {} as GPUBuffer, uid: newBufferUid(), byteOffset: 0, isView: false };
      internal.add(own);
      return own;
    }
    // Born and live: a pooled buffer of its own at the run; external: views share their root.
    const root = s.born ? rootOf(-1 - k) : rootOf(s.root);
    return { numel: b.numel, gpu: root.gpu, uid: root.uid, byteOffset: b.isView ? b.byteOffset : 0, isView: b.isView, slot: k };
  });
  const planBuffer = (b: GpuBuffer): GpuBuffer => planBuffers[rec.slotOf(b)]!;

  // Nodes whose results nobody needs are not run: walking back, a node is needed when it writes
  // something external or live, or an internal buffer a needed node reads.
  const needed: boolean[] = new Array<boolean>(nodes.length).fill(false);
  const read = new Set<GpuBuffer>();
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    const { reads, writes } = nodeIo(n);
    const outs = writes.map(planBuffer);
    // Host code runs for its own effects.
    if (n.kind !== 'host' && !outs.some((b) => !internal.has(b) || read.has(b))) continue;
    needed[i] = true;
    for (const b of reads) read.add(planBuffer(b));
  }

  const uniformSlots: Uint8Array[] = [];
  const scratch = new DataView(new ArrayBuffer(UniformRing.slotBytes));
  const scratchBytes = new Uint8Array(scratch.buffer);
  const commands: CapturedCommand[] = [];
  nodes.forEach((n, i) => {
    if (!needed[i]) return;
    if (n.kind === 'host') {
      commands.push({ kind: 'host', run: n.run, reads: n.reads.map(planBuffer) });
      return;
    }
    if (n.kind === 'copy') {
      const c: CapturedCommand = { kind: 'copy', src: planBuffer(n.src), dst: planBuffer(n.dst), numel: n.numel };
      nodeOf.set(c, i);
      commands.push(c);
      return;
    }
    const spec = gpuKernels[n.kernel] as GpuKernel<object>;
    let compiled: CompiledKernel;
    let workgroups: readonly [number, number, number];
    try {
      compiled = ctx.pipeline(n.kernel, spec, n.params);
      workgroups = spec.workgroups(n.params);
      if (n.buffers.length !== compiled.storageBindings) {
        throw new Error(`the shader binds ${compiled.storageBindings} storage buffers, the kernel was given ${n.buffers.length}`);
      }
    } catch (err) {
      throw new Error(`${nodeName(nodes, i)}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (workgroups[0] === 0 || workgroups[1] === 0 || workgroups[2] === 0) return;
    const buffers = n.buffers.map(planBuffer);
    let c: CapturedCommand;
    if (n.dynamic) c = { kind: 'dynamic', compiled, spec, firstOutput: n.firstOutput, buffers, node: i };
    else {
      let uniformOffset = -1;
      if (compiled.uniformBinding >= 0) {
        scratchBytes.fill(0);
        try {
          packUniforms(compiled, spec.uniforms(n.params), scratch);
        } catch (err) {
          throw new Error(`${nodeName(nodes, i)}: ${err instanceof Error ? err.message : String(err)}`);
        }
        uniformOffset = uniformSlots.push(scratchBytes.slice(0, Math.max(compiled.uniformBytes, 16))) * UniformRing.slotBytes - UniformRing.slotBytes;
      }
      c = { kind: 'dispatch', compiled, kernel: n.kernel, params: n.params as Record<string, unknown>, firstOutput: n.firstOutput, buffers, workgroups, uniformOffset };
    }
    nodeOf.set(c, i);
    commands.push(c);
  });

  const plan = new Plan(signature, ctx);
  let compiledCommands: CapturedCommand[];
  let lifetimes: Map<GpuBuffer, [number, number]>;
  if (ctx.fuse) {
    const graph = compileGraph(commands, {
      device: ctx.device,
      compileGenerated: ctx.compileGenerated,
      internal: (b) => internal.has(b),
      maxInputs: ctx.maxInputs,
      uploads: new Map(),
      uniformSlots,
      constantsOnce: ctx.constantsOnce ?? false,
    });
    compiledCommands = graph.commands;
    lifetimes = graph.lifetimes;
    // A constant computed on the first run keeps its buffer for the later ones.
    for (const c of compiledCommands) {
      if (c.kind !== 'dispatch' || !c.once) continue;
      for (const b of c.buffers.slice(c.firstOutput)) if (lifetimes.has(b)) lifetimes.set(b, [0, compiledCommands.length]);
    }
    plan.created.push(...graph.created);
    plan.generatedKernels = graph.generatedKernels;
    plan.bytes += graph.arenaSize * 4;
  } else {
    compiledCommands = commands;
    lifetimes = new Map();
    commands.forEach((c, at) => {
      const used = c.kind === 'copy' ? [c.src, c.dst] : c.kind === 'host' ? c.reads : c.buffers;
      for (const b of used) {
        if (!internal.has(b)) continue;
        const span = lifetimes.get(b);
        if (span) span[1] = at;
        else lifetimes.set(b, [at, at]);
      }
    });
  }

  // The internal buffers handwritten kernels bind: pooled buffers of the plan's, shared by
  // buffers whose uses do not overlap (the smallest free one that fits).
  const homes = new Map<GpuBuffer, GpuBuffer>();
  const byStart = [...lifetimes].sort((a, b) => a[1][0] - b[1][0]);
  const free: GpuBuffer[] = [];
  const busy: { until: number; home: GpuBuffer }[] = [];
  for (const [b, [first, last]] of byStart) {
    for (let k = busy.length - 1; k >= 0; k--) {
      if (busy[k]!.until < first) {
        free.push(busy[k]!.home);
        busy.splice(k, 1);
      }
    }
    let best = -1;
    free.forEach((h, k) => {
      if (h.numel >= b.numel && (best < 0 || h.numel < free[best]!.numel)) best = k;
    });
    let home: GpuBuffer;
    if (best >= 0) home = free.splice(best, 1)[0]!;
    else {
      home = ctx.acquire(Math.max(b.numel, 1));
      plan.owned.push(home);
      plan.bytes += home.numel * 4;
    }
    homes.set(b, home);
    busy.push({ until: last, home });
  }
  const placed = (b: GpuBuffer): GpuBuffer => homes.get(b) ?? b;

  if (uniformSlots.length > 0) {
    const all = new Uint8Array(uniformSlots.length * UniformRing.slotBytes);
    uniformSlots.forEach((bytes, i) => all.set(bytes, i * UniformRing.slotBytes));
    plan.uniforms = ctx.device.createBuffer({ label: 'plan uniforms', size: all.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    ctx.device.queue.writeBuffer(plan.uniforms, 0, all);
    plan.created.push(plan.uniforms);
  }
  for (const c of compiledCommands) {
    if (c.kind === 'host') {
      plan.steps.push({ kind: 'host', run: c.run });
      continue;
    }
    if (c.kind === 'copy') {
      plan.steps.push({ kind: 'copy', src: placed(c.src), dst: placed(c.dst), numel: c.numel });
      continue;
    }
    const buffers = c.buffers.map(placed);
    const command = { ...c, buffers } as StaticDispatch | DynamicDispatch;
    const placeholders: number[] = [];
    buffers.forEach((b, k) => {
      if (b.slot !== undefined) placeholders.push(k);
    });
    const origin = nodeOf.get(c);
    const label = `${c.compiled.label}${origin === undefined ? '' : ` [${nodeName(nodes, origin).split('\n')[0]}]`}`;
    plan.steps.push({ kind: 'dispatch', bound: { command, placeholders, label } });
    if (!(c.kind === 'dispatch' && c.once)) plan.dispatches++;
  }
  return plan;
}

type PlanStep =
  | { kind: 'copy'; src: GpuBuffer; dst: GpuBuffer; numel: number }
  | { kind: 'dispatch'; bound: BoundDispatch }
  | { kind: 'host'; run: () => void };

/** A compiled plan; see the file comment. */
export class Plan {
  readonly steps: PlanStep[] = [];
  /** GPU buffers the plan made (arena, job table, uniforms): destroyed with it. */
  readonly created: GPUBuffer[] = [];
  /** Pooled buffers the plan holds for its internal buffers. */
  readonly owned: GpuBuffer[] = [];
  uniforms: GPUBuffer | null = null;
  /** Bytes of memory the plan holds. */
  bytes = 0;
  dispatches = 0;
  generatedKernels = 0;
  runs = 0;
  /** Compiled with fusion and batching. */
  readonly fused: boolean;
  /** The nodes it was compiled from, by slot (lazy plans: a recording expecting it needs them). */
  templates: NodeTemplate[] = [];
  /** The slots of the graph it was compiled from (lazy plans: a recording expecting it sizes for them). */
  slotCount = 0;
  /** The plan that ran after this one last time (what the next recording expects). */
  next: Plan | null = null;
  /** Set once disposed (evicted from the cache). */
  disposed = false;

  constructor(
    readonly signature: Signature,
    private readonly ctx: PlanContext,
  ) {
    this.fused = ctx.fuse;
  }

  /** What one run encodes, in order: kernel ids ('fused', 'stacked_...' for generated ones), 'copy', 'host'. */
  get kernels(): string[] {
    const out: string[] = [];
    for (const step of this.steps) {
      if (step.kind !== 'dispatch') out.push(step.kind);
      else {
        const c = step.bound.command;
        if (c.kind === 'dispatch' && c.once) continue;
        out.push(c.kind === 'dispatch' ? c.kernel : c.compiled.label.split(' ')[0]!);
      }
    }
    return out;
  }

  /**
   * Encodes the plan with `slots[k]` bound where slot k was recorded; dynamic dispatches take
   * their params from `paramsOf` (the node that recorded them).
   */
  run(runner: PlanRunner, slots: readonly GpuBuffer[], paramsOf: ParamsOf): void {
    this.runs++;
    let pass: GPUComputePassEncoder | null = null;
    let pipeline: GPUComputePipeline | null = null;
    const resolve = (b: GpuBuffer): GpuBuffer => (b.slot === undefined ? b : slots[b.slot]!);
    for (const step of this.steps) {
      if (step.kind === 'host') {
        runner.runHost(step.run);
        pass = null;
        continue;
      }
      if (step.kind === 'copy') {
        runner.copy(resolve(step.src), resolve(step.dst), step.numel);
        pass = null;
        continue;
      }
      const d = step.bound;
      const c = d.command;
      let offset = -1;
      let workgroups: readonly [number, number, number];
      let uniforms: GPUBuffer;
      if (c.kind === 'dispatch' && c.once) {
        if (c.ran) continue;
        c.ran = true;
      }
      if (c.kind === 'dynamic') {
        const params = paramsOf(c.node!);
        if (c.compiled.uniformBinding >= 0) offset = runner.ringUniforms(c.compiled, c.spec, params);
        workgroups = c.spec.workgroups(params);
        uniforms = runner.ringBuffer;
      } else {
        offset = c.uniformOffset;
        workgroups = c.workgroups;
        uniforms = this.uniforms ?? runner.ringBuffer;
      }
      const group = this.bindGroupOf(d, runner, uniforms, resolve);
      const p = runner.computePass();
      if (p !== pass) {
        pass = p;
        pipeline = null;
      }
      if (c.compiled.pipeline !== pipeline) {
        pipeline = c.compiled.pipeline;
        p.setPipeline(pipeline);
      }
      p.setBindGroup(0, group, offset >= 0 ? [offset] : []);
      p.dispatchWorkgroups(workgroups[0], workgroups[1], workgroups[2]);
      runner.dispatched();
    }
  }

  /** The dispatch's bind group: the last one when it binds the same buffers, else the runner's. */
  private bindGroupOf(d: BoundDispatch, runner: PlanRunner, uniforms: GPUBuffer, resolve: (b: GpuBuffer) => GpuBuffer): GPUBindGroup {
    const buffers = d.command.buffers;
    if (d.group && d.placeholders.length === 0) return d.group;
    if (d.group) {
      let same = true;
      for (const k of d.placeholders) {
        const now = resolve(buffers[k]!);
        const was = d.bound![k]!;
        if (now.uid !== was.uid || now.byteOffset !== was.byteOffset || now.numel !== was.numel || now.gpu !== was.gpu) {
          same = false;
          break;
        }
      }
      if (same) return d.group;
    }
    const actual = d.placeholders.length === 0 ? buffers : buffers.map(resolve);
    d.group = runner.bindGroup(d.command.compiled, actual, uniforms, d.label);
    d.bound = d.placeholders.length === 0 ? [] : actual;
    return d.group;
  }

  /** Frees the plan's memory: pooled buffers go back, made ones are destroyed by `destroyLater`. */
  dispose(destroyLater: (b: GPUBuffer) => void): void {
    this.disposed = true;
    this.next = null;
    this.templates = [];
    for (const b of this.owned) this.ctx.release(b);
    this.owned.length = 0;
    for (const b of this.created) destroyLater(b);
    this.created.length = 0;
    this.steps.length = 0;
  }
}

