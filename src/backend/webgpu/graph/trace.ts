/**
 * A step capture (`e.compile`, DESIGN.md "One execution path"): the graph a traced step records
 * is compiled into a plan like any pending graph, and the plan stays bound to fixed buffers, so a
 * replay is encoding alone. The differences from lazy execution:
 * - the trace records and runs nothing: the first replay computes the traced call's results;
 * - host code (Backend.runReplayable) is recorded and runs again on every replay, and dispatches
 *   whose params are drawn per call (src/compile/dynamic_params.ts) draw them on every replay;
 * - buffers made while tracing belong to the capture: freed ones return to the pool only when the
 *   capture is disposed, so every replay finds the same intermediates where the last one left
 *   them; the buffers it only uses (variables, constants made before) are checked before each
 *   replay;
 * - values uploaded into buffers made before the trace are put back on every replay;
 * - constants the step makes for itself (eye, fill, iota) run on the first replay only.
 */
import type { CapturedStep } from '../../backend.js';
import type { BufferPool, GpuBuffer } from '../device/buffer_pool.js';
import type { KernelId } from '../../../kernel_ids/registry.js';
import { compilePlan, type Plan, type PlanContext, type PlanRunner } from './plan.js';
import { Recording, type DispatchNode } from './recording.js';

/** What a trace needs from the backend. */
export interface TraceHost {
  readonly pool: BufferPool;
  readonly device: GPUDevice;
  readonly planContext: PlanContext;
  destroyAfterSubmit(b: GPUBuffer): void;
}

export class TraceCapture implements CapturedStep {
  private readonly graph = new Recording();
  /** Physical buffers that belong to the capture (made while tracing, or freed while used by it). */
  private readonly owned = new Set<GpuBuffer>();
  /** Owned buffers whose tensors were freed: back to the pool when the capture is disposed. */
  private readonly deferred = new Set<GpuBuffer>();
  /** GPU buffers the capture made (the sources of restored uploads): destroyed with it. */
  private readonly created: GPUBuffer[] = [];
  private plan: Plan | null = null;
  /** The buffer each slot of the graph is bound to on every replay. */
  private bindings: GpuBuffer[] = [];
  /** Buffers the plan uses but does not own: a replay needs them alive. */
  private externals: GpuBuffer[] = [];
  /** Dynamic nodes whose params were drawn while tracing and not used yet (the first replay's). */
  private readonly traced = new Set<number>();
  disposed = false;

  constructor(private readonly host: TraceHost) {}

  /** A virtual buffer for a kernel output of the traced step. */
  allocate(numel: number): GpuBuffer {
    this.host.pool.count(numel, 1);
    return this.graph.allocate(numel);
  }

  /** A buffer made while tracing for uploads: it belongs to the capture. */
  own(b: GpuBuffer): void {
    b.owner = this;
    this.owned.add(b);
  }

  /**
   * Called for every free while tracing, and for owned buffers afterwards. True when the capture
   * took the buffer: a virtual one becomes internal, an owned or used one is kept until disposal.
   */
  free(b: GpuBuffer): boolean {
    if (b.pending === this.graph) {
      b.pendingFreed = true;
      this.host.pool.count(b.numel, -1);
      return true;
    }
    if (this.owned.has(b) || (!this.plan && this.graph.uses(b))) {
      if (!this.owned.has(b)) this.own(b);
      if (!this.deferred.has(b)) this.host.pool.count(b.numel, -1);
      this.deferred.add(b);
      return true;
    }
    return false;
  }

  dispatch(kernel: KernelId, params: object, inputs: readonly GpuBuffer[], outputs: readonly GpuBuffer[], refresh: (() => object) | undefined): void {
    if (refresh) this.traced.add(this.graph.nodes.length);
    this.graph.dispatch(kernel, params, inputs, outputs, refresh !== undefined, undefined, refresh);
  }

  copy(src: GpuBuffer, dst: GpuBuffer, numel: number): void {
    this.graph.copy(src, dst, numel, undefined);
  }

  hostCode(run: () => void, reads: readonly GpuBuffer[]): void {
    this.graph.host(run, reads);
  }

  /**
   * An upload while tracing. Into a buffer made by the trace, it is written now and stays: nothing
   * in the step writes such a buffer. Into one made before, it happens at its place in the step,
   * on every replay: the values are kept in a buffer of the capture's and copied from there.
   */
  upload(b: GpuBuffer, data: Float32Array): void {
    if (this.owned.has(b) && !this.graph.uses(b)) {
      this.host.device.queue.writeBuffer(b.gpu, b.byteOffset, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
      return;
    }
    const source = this.host.device.createBuffer({ size: Math.max(Math.ceil(data.byteLength / 4) * 4, 4), usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    this.host.device.queue.writeBuffer(source, 0, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
    this.created.push(source);
    const wrapper: GpuBuffer = { numel: data.length, gpu: source, uid: -1 - this.created.length, byteOffset: 0, isView: false };
    this.graph.copy(wrapper, b, data.length, undefined);
  }

  /** True while the trace records and the buffer is a virtual one of its graph. */
  holds(b: GpuBuffer): boolean {
    return b.pending === this.graph;
  }

  /**
   * Ends the trace: the graph becomes a plan (fused unless `fuse` is false), its live buffers get
   * memory of the capture's, and every slot is bound: `remap` swaps a traced argument's own
   * buffer for the slot replays copy new arguments into.
   */
  finish(remap: ReadonlyMap<GpuBuffer, GpuBuffer>, fuse: boolean): void {
    const graph = this.graph;
    // Host code keeps the buffers it reads (a loss recorder copies from one on every replay): a
    // freed one stays the capture's, with memory of its own, instead of becoming internal.
    const keptForHost = new Set<GpuBuffer>();
    for (const n of graph.nodes) {
      if (n.kind !== 'host') continue;
      for (const b of n.reads) {
        if (b.pending === graph && b.pendingFreed) {
          b.pendingFreed = false;
          keptForHost.add(b);
        }
      }
    }
    graph.sealLiveness();
    this.plan = compilePlan(graph, graph.signature, { ...this.host.planContext, fuse: fuse && this.host.planContext.fuse, constantsOnce: true });
    for (const b of graph.born) this.materialize(b);
    for (const b of keptForHost) this.deferred.add(b);
    const slots = graph.slots;
    this.bindings = slots.map((s) => remap.get(s.buffer) ?? s.buffer);
    this.externals = slots.filter((s, k) => !s.born && !this.owned.has(s.buffer) && this.bindings[k] === s.buffer && s.buffer.uid >= 0).map((s) => s.buffer);
  }

  /** A live virtual buffer gets pooled memory that belongs to the capture. */
  private materialize(b: GpuBuffer): void {
    if (b.pendingFreed || b.pending !== this.graph) return;
    const home = this.host.pool.acquire(b.numel, 'device', false);
    b.gpu = home.gpu;
    b.uid = home.uid;
    b.pending = null;
    b.pendingSlot = undefined;
    this.own(b);
  }

  /** Encodes one replay. */
  replay(runner: PlanRunner): void {
    this.plan!.run(runner, this.bindings, (node) => {
      const n = this.graph.nodes[node] as DispatchNode;
      // The params drawn while tracing belong to the traced call, which the first replay completes.
      if (this.traced.delete(node)) return n.params;
      return n.refresh!();
    });
  }

  // ---- CapturedStep ----------------------------------------------------------------------

  get dispatches(): number {
    return this.plan?.dispatches ?? 0;
  }

  get kernels(): string[] {
    return this.plan?.kernels ?? [];
  }

  /** Kernels generated for the step. */
  get generatedKernels(): number {
    return this.plan?.generatedKernels ?? 0;
  }

  isValid(): boolean {
    return this.plan !== null && !this.disposed && this.externals.every((b) => !b.released && !b.parent?.released);
  }

  /** A variable made or re-homed in the step keeps its buffer: it outlives the capture. */
  disown(buffer: GpuBuffer): void {
    if (this.owned.delete(buffer)) buffer.owner = undefined;
    this.deferred.delete(buffer);
  }

  /** Frees what the capture owns. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const b of this.owned) {
      b.owner = undefined;
      // Buffers whose tensors are gone return to the pool; the others follow their tensor's dispose.
      if (this.deferred.has(b)) this.host.pool.release(b, false);
    }
    this.owned.clear();
    this.deferred.clear();
    // Virtual buffers of an aborted trace that are still live get memory, so their tensors stay valid.
    if (!this.plan) for (const b of this.graph.born) if (!b.pendingFreed && b.pending === this.graph) {
      const home = this.host.pool.acquire(b.numel, 'device', false);
      b.gpu = home.gpu;
      b.uid = home.uid;
      b.pending = null;
    }
    this.plan?.dispose((b) => this.host.destroyAfterSubmit(b));
    for (const b of this.created) this.host.destroyAfterSubmit(b);
    this.created.length = 0;
  }
}
