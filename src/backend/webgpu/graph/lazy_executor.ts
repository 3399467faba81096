/**
 * Lazy execution for the WebGPU backend (DESIGN.md, "One execution path"): ops record nodes into
 * the pending graph (recording.ts); `run()` closes it at a boundary (the backend calls it before
 * a read, a flush, a submit, an upload into a buffer the graph uses, at the end of a step, and
 * when the graph grows past a bound), finds or compiles its plan (plan.ts, plan_cache.ts), gives
 * the buffers still live their pooled memory and encodes the plan. The backend keeps the rest:
 * the encoder, the pool, the pipelines, bind groups and submits.
 */
import type { BackendStats } from '../../backend.js';
import type { BufferPool, GpuBuffer } from '../device/buffer_pool.js';
import type { KernelId } from '../../../kernel_ids/registry.js';
import { compilePlan, type Plan, type PlanContext, type PlanRunner } from './plan.js';
import { PlanCache } from './plan_cache.js';
import { Recording, type SlotArrays } from './recording.js';
import { BlockReplays, type BlockHost } from './block_replay.js';
import type { Tuner, VariantUsage } from '../tuning/tuner.js';

/** Nodes after which the pending graph runs even without a boundary (bounds planning time). */
export const maxPendingNodes = 1 << 15;
/** Graphs of at least this many nodes are fused the first time they are seen (see run()). */
const fuseAtOnceNodes = 256;
/** Plans kept, and the memory they may hold together. */
const maxCachedPlans = 64;
const maxCachedBytes = 512 * 1024 * 1024;

/** What the executor needs from the backend besides what plans need. */
export interface LazyHost extends PlanRunner {
  readonly pool: BufferPool;
  readonly counters: BackendStats;
  readonly planContext: PlanContext;
  /** Destroys a GPU buffer once the work recorded so far is submitted. */
  destroyAfterSubmit(b: GPUBuffer): void;
  /** The tuner, whose choices blocks taken at once must not outlive (block_replay.ts). */
  readonly tuning: Pick<Tuner, 'used' | 'count'>;
  readonly tuningGeneration: number;
}

export class LazyExecutor implements BlockHost {
  private recording = new Recording();
  private readonly cache: PlanCache;
  /** The plan run last, and the one the pending graph is expected to be. */
  private last: Plan | null = null;
  private expected: Plan | null = null;
  /** Slot arrays of the graph run last, for the next recording that expects a plan. */
  private spareSlots: SlotArrays | null = null;

  /** Blocks of calls taken at once (block_replay.ts). */
  readonly blocks = new BlockReplays(this);
  readonly maxNodes = maxPendingNodes;

  constructor(private readonly host: LazyHost) {
    this.cache = new PlanCache(maxCachedPlans, maxCachedBytes, (plan) => plan.dispose((b) => host.destroyAfterSubmit(b)));
  }

  /** The pending graph. */
  get graph(): Recording {
    return this.recording;
  }

  /** Counts nodes a block recorded at once, and the kernel variants they use. */
  counted(nodes: number, usage: VariantUsage | null): void {
    this.host.counters.nodes += nodes;
    if (usage) this.host.tuning.count(usage);
  }

  get tuningGeneration(): number {
    return this.host.tuningGeneration;
  }

  usage(): VariantUsage {
    return this.host.tuning.used();
  }

  /** Nodes recorded and not yet run. */
  get pendingNodes(): number {
    return this.recording.nodeCount;
  }

  /** Bytes the cached plans hold. */
  get cachedBytes(): number {
    return this.cache.bytes;
  }

  /** A virtual buffer for a kernel output (counted as live memory until freed). */
  allocate(numel: number): GpuBuffer {
    this.host.pool.count(numel, 1);
    return this.recording.allocate(numel);
  }

  /**
   * Frees a buffer if the pending graph concerns it: a virtual one becomes internal, a physical
   * one the graph uses goes back to the pool after the graph has run. False: not concerned.
   */
  free(b: GpuBuffer): boolean {
    if (b.pending === this.recording) {
      b.pendingFreed = true;
      this.host.pool.count(b.numel, -1);
      return true;
    }
    if (!this.recording.uses(b)) return false;
    this.host.pool.count(b.numel, -1);
    this.recording.deferredFrees.push(b);
    return true;
  }

  /** True when the pending graph reads or writes this physical buffer (or memory it views). */
  uses(b: GpuBuffer): boolean {
    return this.recording.uses(b);
  }

  /**
   * Records a dispatch. `dynamicShape`: for dispatches whose params change per step (see
   * recording.ts), what their pipeline and grid depend on.
   */
  dispatch(kernel: KernelId, params: object, inputs: readonly GpuBuffer[], outputs: readonly GpuBuffer[], dynamicShape: readonly number[] | null): void {
    this.recording.dispatch(kernel, params, inputs, outputs, dynamicShape !== null, undefined, undefined, dynamicShape ?? undefined);
    this.recorded();
  }

  copy(src: GpuBuffer, dst: GpuBuffer, numel: number): void {
    this.recording.copy(src, dst, numel, undefined);
    this.recorded();
  }

  private recorded(): void {
    this.host.counters.nodes++;
    if (this.recording.nodeCount >= maxPendingNodes) this.run();
  }

  /** Closes the pending graph: compiles or finds its plan, and encodes it. */
  run(): void {
    const graph = this.recording;
    if (graph.isEmpty && graph.born.length === 0 && graph.deferredFrees.length === 0) return;
    if (graph.isEmpty) {
      this.recording = new Recording(this.expected);
      this.finish(graph);
      return;
    }
    let plan: Plan;
    try {
      plan = this.planFor(graph);
    } catch (err) {
      // The graph's results are lost, but its live tensors keep valid (unwritten) buffers and
      // the engine goes on.
      this.recording = new Recording();
      this.finish(graph);
      throw err;
    }
    // The next graph is expected to be the one that followed this plan last time (a loop whose
    // body runs one plan expects the same plan again). A plan that followed itself says so too:
    // a loop of steps read every few steps (step, step, read, step...) must not go on expecting
    // the read after every step.
    if (this.last) this.last.next = plan;
    this.last = plan;
    this.expected = plan.next && !plan.next.disposed ? plan.next : plan;
    this.recording = new Recording(this.expected, this.spareSlots);
    this.spareSlots = null;
    this.finish(graph);
    plan.run(
      this.host,
      graph.slotBuffers,
      (node) => graph.paramsOf(node),
    );
    this.spareSlots = graph.giveBackSlots();
  }

  /** The plan of a sealed graph: the one it was expected to be, a cached one, or a new one. */
  private planFor(graph: Recording): Plan {
    graph.sealLiveness();
    const expected = this.expected;
    if (graph.signature.matchesExpected && expected && !expected.disposed && (expected.fused || !this.host.planContext.fuse)) {
      this.host.counters.planCacheHits++;
      return expected;
    }
    // Not the expected plan: the recording makes its nodes now (from the matched prefix).
    graph.signature.diverge();
    const cached = this.cache.get(graph.signature);
    if (cached && (cached.fused || !this.host.planContext.fuse)) {
      this.host.counters.planCacheHits++;
      return cached;
    }
    // A small graph seen for the first time runs unfused: one-off graphs (a test's, a
    // script's) never wait for generated shaders to compile. Seen again, it is a loop's
    // body: fused. A large one is fused at once: its dispatches would cost more than the
    // shaders fusion compiles.
    const fuse = (cached !== undefined || graph.nodeCount >= fuseAtOnceNodes) && this.host.planContext.fuse;
    if (cached) this.cache.remove(cached);
    const plan = compilePlan(graph, graph.signature.snapshot(), { ...this.host.planContext, fuse });
    plan.templates = graph.templatesOf();
    plan.slotCount = graph.slotCount;
    this.host.counters.plansCompiled++;
    this.host.counters.fusedKernels += plan.generatedKernels;
    this.cache.add(plan);
    return plan;
  }

  /** Gives the graph's live virtual buffers their memory and returns its deferred frees. */
  private finish(graph: Recording): void {
    for (const b of graph.born) {
      if (b.pendingFreed || b.pending !== graph) continue;
      const home = this.host.pool.acquire(b.numel, 'device', false);
      b.gpu = home.gpu;
      b.uid = home.uid;
      b.pending = null;
      b.pendingSlot = undefined;
    }
    for (const b of graph.deferredFrees) this.host.pool.release(b, false);
  }

  /**
   * Frees every cached plan; the next graphs compile again (with the kernel variants chosen
   * then: the autotuner calls this when its choices change).
   */
  clearPlans(): void {
    this.cache.clear();
    this.last = null;
    this.expected = null;
  }

  /** Frees every cached plan (the pending graph is dropped). */
  destroy(): void {
    this.clearPlans();
    this.recording = new Recording();
  }
}
