import type { AdapterInfo, Backend, BackendBuffer, BackendMemory, BackendStats, CaptureSupport } from '../backend.js';
import { zeroStats } from '../backend.js';
import type { KernelId, KernelParams } from '../../kernel_ids/registry.js';
import type { CallBlock } from '../call_block.js';
import { BufferPool, StagingPool, newBufferUid, type GpuBuffer } from './device/buffer_pool.js';
import { PipelineCache, compileErrorName, packUniforms, type CompiledKernel } from './device/pipelines.js';
import { UniformRing } from './device/uniform_ring.js';
import { gpuKernels } from './dispatch/index.js';
import { generatedSource, type GpuKernel } from './dispatch/kernel_spec.js';
import type { GeneratedKernel } from './graph/codegen.js';
import fusedLibrary from '../../../shaders/common/fused.wgsl';
import { TraceCapture, type TraceHost } from './graph/trace.js';
import { bindGroupEntries, bindGroupKey } from './device/bind_groups.js';
import type { DispatchGuard, GpuWaitPolicy, SoftwareAdapterCare } from './host_platform.js';
import { paramsRefresh } from '../../compile/dynamic_params.js';
import { LazyExecutor, type LazyHost } from './graph/lazy_executor.js';
import type { BlockReplays } from './graph/block_replay.js';
import type { PlanContext } from './graph/plan.js';
import { Tuner, usageSince, type TunerOptions, type VariantUsage } from './tuning/tuner.js';
import { memoryStore } from './tuning/store.js';
import { adapterKey } from './tuning/table.js';
import type { DeviceCaps } from './tuning/variants.js';

/** Submit once this many dispatches are recorded, so freed buffers return to the pool. */
const maxDispatchesPerSubmit = 2048;
/** At the end of a step, submit once this many dispatches are waiting (see boundary()). */
const dispatchesPerStepSubmit = 64;
// Each live bind group holds a Vulkan descriptor set, and lavapipe one memory map per set (of at
// most 65530 per process, see node/garbage_collector.ts): the cache keeps well below that.
// Captured steps hold their own bind groups; eager ones rarely repeat beyond a small working set.
const maxCachedBindGroups = 8192;
// Bind groups made since the last collection after which the next wait on the GPU (read, flush)
// first runs a garbage collection, so that the dropped ones release their descriptor sets.
const bindGroupsPerCollection = 8192;
// Pooled buffers kept for reuse; past it, the pool gives the longest unused ones back to the
// device (down to half), and the bind-group cache, whose groups may bind them, is dropped.
const maxPooledBuffers = 2048;

/** Options of the WebGPU backend. */
export interface WebGpuBackendOptions extends Partial<SoftwareAdapterCare> {
  /**
   * Lazy execution (default true): ops record a graph that runs, fused and planned, at the next
   * boundary (graph/lazy_executor.ts). False: every op is encoded as one dispatch when called.
   */
  lazy?: boolean;
  /** Lazy execution: fuse and batch the recorded graph (default true; false: bit for bit as eager). */
  fuse?: boolean;
  /** Kernel autotuning (default: off, in memory); createEngine passes the engine's options. */
  tuning?: TunerOptions;
}

/**
 * Records kernels into one command encoder (one open compute pass) and submits lazily: when a
 * read needs the results, when the batch grows large, or on `flush`. Nothing waits on the CPU
 * except reads.
 */
export class WebGpuBackend implements Backend, CaptureSupport, LazyHost, TraceHost {
  readonly name = 'webgpu' as const;
  readonly capture: CaptureSupport = this;
  readonly adapterInfo: AdapterInfo;
  readonly counters: BackendStats = zeroStats();
  readonly pool: BufferPool;
  private readonly staging: StagingPool;
  private readonly pipelines: PipelineCache;
  private readonly ring: UniformRing;
  private readonly uniformScratch = new DataView(new ArrayBuffer(UniformRing.slotBytes));
  private readonly uniformBytes = new Uint8Array(this.uniformScratch.buffer);
  private bindGroups = new Map<string, GPUBindGroup>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private dispatchesInBatch = 0;
  private failure: Error | null = null;
  private lost = false;
  /** Set by destroy(): a loss that follows is expected, not an error. */
  private destroyed = false;
  /** The step capture being traced, if any (src/backend/webgpu/graph/trace.ts). */
  private trace: TraceCapture | null = null;
  /** GPU objects to destroy once the work recorded so far is submitted. */
  private toDestroy: GPUBuffer[] = [];
  private readonly collectGarbage: (() => void) | null;
  private bindGroupsSinceCollection = 0;
  /**
   * Set when a dispatch was refused near a driver limit (the memory-map guard): the next wait
   * first gives back everything the engine holds that it can remake (see relievePressure).
   */
  private underPressure = false;
  /** Set for software adapters in Node on Linux: see node/memory_maps.ts. */
  private readonly mapGuard: DispatchGuard | null;
  /** Set for software adapters in Node: see node/software_gpu_wait.ts. */
  private readonly softwareWait: GpuWaitPolicy | null;
  /** counters.dispatches when the last wait began: later ones are new work to wait for. */
  private dispatchesAtLastWait = 0;
  /** Lazy execution's pending graph and plans; null with `lazy: false`. */
  private readonly lazy: LazyExecutor | null;
  readonly planContext: PlanContext;
  /** Above 0 while replayed host code runs: its dispatches are encoded at once. */
  private immediate = 0;
  /** Above 0 while replayable host code records: its dispatches' params change per step. */
  private dynamicDepth = 0;
  /** The device's maxStorageBufferBindingSize (bind_groups.ts). */
  private readonly maxBindingBytes: number;
  /** Identities of uniform buffers other than the ring (plans' own), for bind-group keys. */
  private readonly uniformIds = new WeakMap<GPUBuffer, number>();
  /**
   * The device's error listener. Dawn keeps a device's JavaScript object (and its listeners) alive
   * after destroy(): destroy() removes it, or it would hold this backend and all it owns.
   */
  private readonly onUncapturedError = (ev: Event): void => {
    const err = (ev as GPUUncapturedErrorEvent).error;
    this.fail(new Error(`WebGPU error: ${err.message}`));
  };
  /** Kernel variant choices and their timing (tuning/tuner.ts): `e.tuning`. */
  readonly tuning: Tuner;
  /** Bumped when a variant choice changes: captures traced before it are traced again. */
  private choiceGeneration = 0;
  /** Variant usage when the current trace began, and each capture's (counted at its replays). */
  private usageBeforeTrace: VariantUsage = {};
  private readonly replayUsage = new WeakMap<TraceCapture, VariantUsage>();

  constructor(
    readonly device: GPUDevice,
    adapter: GPUAdapter,
    options: WebGpuBackendOptions = {},
  ) {
    const info = adapter.info;
    const software = (info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true || /llvmpipe|lavapipe|swiftshader|software/i.test(
      `${info.architecture} ${info.device} ${info.description} ${info.vendor}`,
    );
    this.adapterInfo = {
      backend: 'webgpu',
      vendor: info.vendor,
      architecture: info.architecture,
      device: info.device,
      description: info.description,
      isSoftware: software,
    };
    this.softwareWait = software ? (options.waitPolicy ?? null) : null;
    // The memory maps run out on lavapipe; a hardware driver's descriptor sets are cheap, and a
    // full collection of a large heap is not.
    this.collectGarbage = software ? (options.collectGarbage ?? null) : null;
    this.mapGuard = software ? (options.dispatchGuard ?? null) : null;
    this.maxBindingBytes = device.limits.maxStorageBufferBindingSize;
    this.pool = new BufferPool(device, this.counters);
    this.staging = new StagingPool(device, this.counters);
    this.pipelines = new PipelineCache(device, this.counters, (err) => this.fail(err));
    this.ring = new UniformRing(device);
    this.planContext = {
      device,
      pipeline: (kernel, spec, params) => this.pipelines.get(kernel, spec, params),
      compileGenerated: (kernel, workgroups, constants) => this.compileGenerated(kernel, workgroups, constants),
      maxInputs: device.limits.maxStorageBuffersPerShaderStage - 3,
      fuse: options.fuse ?? true,
      acquire: (numel) => this.pool.acquire(numel, 'device', false),
      release: (b) => this.pool.release(b, false),
    };
    this.lazy = options.lazy === false ? null : new LazyExecutor(this);
    this.tuning = new Tuner(
      {
        device,
        caps: deviceCaps(device, adapter, software),
        adapter: adapterKey(info),
        pipelines: this.pipelines,
        counters: this.counters,
        wait: (gpuWait) => this.waitForGpu(gpuWait),
        changed: () => {
          this.choiceGeneration++;
          this.clearPlanCache();
        },
      },
      options.tuning ?? { mode: 'off', store: memoryStore() },
    );
    device.addEventListener('uncapturederror', this.onUncapturedError);
    void device.lost.then((info) => {
      this.lost = true;
      // A device destroyed by someone else (or lost by the driver) must not fail silently later.
      if (!this.destroyed) {
        this.fail(new Error(`WebGPU device lost (${info.reason}): ${info.message || 'no message'}. Create a new engine to continue.`));
      }
    });
  }

  alloc(numel: number, writtenBy: 'device' | 'host' = 'host'): GpuBuffer {
    this.throwIfFailed();
    if (this.trace && writtenBy === 'device') return this.trace.allocate(numel);
    if (writtenBy === 'device' && this.recordsLazily) return this.lazy!.allocate(numel);
    const buffer = this.pool.acquire(numel, writtenBy);
    this.trace?.own(buffer);
    return buffer;
  }

  /** Whether ops record into the pending graph now (not while tracing, nor in replayed host code). */
  private get recordsLazily(): boolean {
    return this.lazy !== null && this.trace === null && this.immediate === 0;
  }

  /** Counts changes of the tuner's choices (LazyHost: block traces made before are stale too). */
  get tuningGeneration(): number {
    return this.choiceGeneration;
  }

  /** @internal Blocks of calls taken at once (lazy execution only): a switch and a count for tests. */
  get blockReplays(): BlockReplays | null {
    return this.lazy?.blocks ?? null;
  }

  /** Backend.replayBlock: the pending graph takes a block it recorded in the same place before. */
  replayBlock(block: CallBlock, external: readonly GpuBuffer[]): GpuBuffer[] | null {
    this.throwIfFailed();
    if (!this.recordsLazily || this.dynamicDepth > 0) return null;
    return this.lazy!.blocks.take(block, external);
  }

  /** Backend.watchBlock: see replayBlock. */
  watchBlock(block: CallBlock, external: readonly GpuBuffer[]): ((made: readonly BackendBuffer[]) => void) | null {
    if (!this.recordsLazily || this.dynamicDepth > 0) return null;
    // The block's calls are made on this backend: the buffers the end is given are ours.
    return this.lazy!.blocks.watch(block, external) as ((made: readonly BackendBuffer[]) => void) | null;
  }

  /** Runs the pending graph (lazy execution): its commands join the open command encoder. */
  private runPending(): void {
    this.lazy?.run();
  }

  get viewAlignment(): number {
    return this.device.limits.minStorageBufferOffsetAlignment / 4;
  }

  view(parent: GpuBuffer, offset: number, numel: number): GpuBuffer {
    // A view needs memory to point into.
    if (this.trace?.holds(parent)) throw new Error('compile: a view of a tensor computed inside the compiled function is not supported');
    if (parent.pending) this.runPending();
    if (offset % this.viewAlignment !== 0) throw new Error(`view: offset ${offset} is not a multiple of ${this.viewAlignment} elements`);
    if (offset < 0 || offset + numel > parent.numel) throw new Error(`view: [${offset}, ${offset + numel}) is outside a buffer of ${parent.numel}`);
    return { numel, gpu: parent.gpu, uid: parent.uid, byteOffset: parent.byteOffset + offset * 4, isView: true, parent };
  }

  free(buffer: GpuBuffer): void {
    if (this.lost || buffer.isView) return;
    // Buffers a capture replays stay out of the pool until the capture is disposed; those a trace
    // or the pending graph uses return after it; their virtual ones become internal.
    const owner = buffer.owner as TraceCapture | undefined;
    if (owner && !owner.disposed && owner.free(buffer)) return;
    if (this.trace?.free(buffer)) return;
    if (this.lazy?.free(buffer)) return;
    this.pool.release(buffer);
  }

  upload(buffer: GpuBuffer, data: ArrayLike<number>): void {
    this.throwIfFailed();
    // writeBuffer takes effect before the commands of the next submit: what the pending graph
    // reads or writes in this memory must be encoded and submitted first.
    if (buffer.pending || (this.lazy?.uses(buffer) ?? false)) {
      this.runPending();
      this.submit();
    }
    const f32 = data instanceof Float32Array ? data : Float32Array.from(data);
    this.counters.uploads++;
    if (this.trace) return this.trace.upload(buffer, f32);
    this.device.queue.writeBuffer(buffer.gpu, buffer.byteOffset, f32.buffer, f32.byteOffset, f32.byteLength);
  }

  run<K extends KernelId>(kernel: K, inputs: GpuBuffer[], outputs: GpuBuffer[], params: KernelParams<K>): void {
    this.throwIfFailed();
    // Kernels with variants: the parameters name the chosen one (tuning/variants.ts).
    params = this.tuning.choose(kernel, params, inputs, outputs);
    if (this.recordsLazily) {
      const dynamic = this.dynamicDepth > 0 || paramsRefresh(params as object) !== undefined;
      let shape: number[] | null = null;
      if (dynamic) {
        // Params that change per step stay out of the plan's signature; what they decide stays in.
        const spec = gpuKernels[kernel] as GpuKernel<KernelParams<K>>;
        const compiled = this.pipelines.get(kernel, spec, params);
        shape = [compiled.uid, ...spec.workgroups(params)];
      }
      this.lazy!.dispatch(kernel, params as object, inputs, outputs, shape);
      return;
    }
    if (this.trace) {
      // Traced, not run: the first call's results come from the capture's first replay.
      this.trace.dispatch(kernel, params as object, inputs, outputs, paramsRefresh(params as object));
      return;
    }
    const spec = gpuKernels[kernel] as GpuKernel<KernelParams<K>>;
    const workgroups = spec.workgroups(params);
    if (workgroups[0] === 0 || workgroups[1] === 0 || workgroups[2] === 0) return;
    const compiled = this.pipelines.get(kernel, spec, params);
    const buffers = [...inputs, ...outputs];
    if (buffers.length !== compiled.storageBindings) {
      throw new Error(`${compiled.label}: the shader binds ${compiled.storageBindings} storage buffers, the kernel was given ${buffers.length}`);
    }
    if (this.ring.full || this.dispatchesInBatch >= maxDispatchesPerSubmit) this.submit();
    this.encodeDispatch(compiled, spec, params, buffers, workgroups);
    this.counters.nodes++;
  }

  /** The dispatch's uniforms, packed (null when the kernel has none). */
  private packUniforms<P>(compiled: CompiledKernel, spec: GpuKernel<P>, params: P): Uint8Array | null {
    if (compiled.uniformBinding < 0) return null;
    this.uniformBytes.fill(0, 0, compiled.uniformBytes);
    packUniforms(compiled, spec.uniforms(params), this.uniformScratch);
    return this.uniformBytes.subarray(0, compiled.uniformBytes);
  }

  /** Packs the uniforms into the ring and encodes one dispatch. */
  private encodeDispatch<P>(
    compiled: CompiledKernel,
    spec: GpuKernel<P>,
    params: P,
    buffers: GpuBuffer[],
    workgroups: readonly [number, number, number],
  ): void {
    let offset = 0;
    if (compiled.uniformBinding >= 0) {
      if (this.ring.full) this.submit();
      offset = this.ring.push(this.packUniforms(compiled, spec, params)!);
    }
    const pass = this.computePass();
    pass.setPipeline(compiled.pipeline);
    pass.setBindGroup(0, this.bindGroup(compiled, buffers), compiled.uniformBinding >= 0 ? [offset] : []);
    pass.dispatchWorkgroups(workgroups[0], workgroups[1], workgroups[2]);
    this.counters.dispatches++;
    this.dispatchesInBatch++;
  }

  // ---- step capture (src/compile/compile_step.ts drives it: graph/trace.ts) ------------------

  /** Starts tracing: commands are recorded (not run), and new buffers belong to the capture. */
  beginCapture(): void {
    if (this.trace) throw new Error('compile: compiled functions cannot be nested');
    // What was recorded before runs first; its live buffers get memory the capture can bind.
    this.runPending();
    this.trace = new TraceCapture(this);
    this.usageBeforeTrace = this.tuning.used();
  }

  /** Ends tracing; `remap` swaps traced argument buffers for the slots replays copy into. */
  endCapture(remap: ReadonlyMap<GpuBuffer, GpuBuffer>, options: { fuse?: boolean } = {}): TraceCapture {
    const trace = this.trace;
    if (!trace) throw new Error('compile: no capture is being traced');
    this.trace = null;
    try {
      trace.finish(remap, options.fuse !== false);
    } catch (err) {
      trace.dispose();
      throw err;
    }
    this.counters.fusedKernels += trace.generatedKernels;
    // A capture keeps the variants chosen while it was traced: once a choice changes, it reports
    // itself stale and compile() traces it again (src/compile/compile_step.ts).
    const generation = this.choiceGeneration;
    const isValid = trace.isValid.bind(trace);
    trace.isValid = () => isValid() && generation === this.choiceGeneration;
    // What the trace dispatched counts again at each replay (e.tuning.used).
    this.replayUsage.set(trace, usageSince(this.tuning.used(), this.usageBeforeTrace));
    return trace;
  }

  /**
   * Runs `encode` now; while a step is traced, the call itself is recorded instead of the commands
   * it encodes, and runs again on every replay (host state that changes per step).
   */
  runReplayable(encode: () => void, reads: readonly GpuBuffer[] = []): void {
    if (this.trace) {
      // Like every traced command, it runs at the replays, the first of which completes the call.
      this.trace.hostCode(encode, reads);
      return;
    }
    if (!this.recordsLazily) return encode();
    // Recorded into the pending graph, as dispatches whose params change from step to step.
    this.dynamicDepth++;
    try {
      return encode();
    } finally {
      this.dynamicDepth--;
    }
  }

  /** Pipelines of generated kernels, by source: each distinct source gets a stable file name. */
  private generatedFiles = new Map<string, string>();

  private compileGenerated(kernel: Pick<GeneratedKernel, 'code' | 'layout'>, workgroups: readonly [number, number, number], constants: Record<string, number> = { WG: 256 }): CompiledKernel {
    let file = this.generatedFiles.get(kernel.code);
    if (!file) {
      file = `generated/fused_${this.generatedFiles.size + 1}.wgsl`;
      this.generatedFiles.set(kernel.code, file);
    }
    const spec: GpuKernel<object> = {
      shader: generatedSource(file, kernel.code, kernel.layout, fusedLibrary),
      constants: () => constants,
      uniforms: () => ({}),
      workgroups: () => workgroups,
    };
    return this.pipelines.get('fused', spec, {});
  }

  /** Drops a trace that failed: its buffers go back as their tensors are freed. */
  abortCapture(): void {
    const trace = this.trace;
    this.trace = null;
    trace?.dispose();
  }

  /** Encodes a capture's plan after what is recorded already: no graph work, no new buffers. */
  replay(step: TraceCapture): void {
    this.throwIfFailed();
    if (this.trace) throw new Error('compile: compiled functions cannot be nested');
    if (!step.isValid()) throw new Error('compile: the capture uses a buffer that was freed (re-trace it)');
    // Ops recorded before the replay run before it.
    this.runPending();
    step.replay(this);
    this.tuning.count(this.replayUsage.get(step) ?? {});
  }

  /** Frees a capture: its buffers return to the pool, its own GPU buffers are destroyed after the next submit. */
  disposeCapture(step: TraceCapture): void {
    // Its buffers go back to the pool: the pending graph may still read them.
    this.runPending();
    step.dispose();
  }

  copyBuffer(src: GpuBuffer, dst: GpuBuffer, numel: number): void {
    this.throwIfFailed();
    if (numel === 0) return;
    if (this.trace) {
      this.trace.copy(src, dst, numel);
      return;
    }
    if (this.recordsLazily) {
      this.lazy!.copy(src, dst, numel);
      return;
    }
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(src.gpu, src.byteOffset, dst.gpu, dst.byteOffset, numel * 4);
  }

  async read(buffer: GpuBuffer): Promise<Float32Array> {
    if (this.trace) throw new Error('compile: a compiled function cannot read tensors (no readbacks inside a captured step)');
    const bytes = buffer.numel * 4;
    if (bytes === 0) return new Float32Array(0);
    // The copy is recorded now, so later commands (a variable's assign) cannot change what is read.
    this.runPending();
    const staging = this.staging.acquire(bytes);
    this.collectDroppedBindGroups();
    if (!this.lost) {
      this.endPass();
      this.commandEncoder().copyBufferToBuffer(buffer.gpu, buffer.byteOffset, staging, 0, bytes);
      this.submit();
    }
    await this.relievePressure();
    try {
      // Compiler messages first: they explain the validation errors of the pipelines they broke.
      await this.pipelines.settled();
      this.throwIfFailed();
      this.counters.readbacks++;
      try {
        await this.waitForGpu(() => staging.mapAsync(GPUMapMode.READ, 0, bytes));
      } catch (err) {
        this.throwIfFailed();
        throw err;
      }
      const out = new Float32Array(staging.getMappedRange(0, bytes).slice(0));
      staging.unmap();
      this.throwIfFailed();
      // The queue is idle: kernel shapes met for the first time are timed now, within the budget.
      await this.tuning.runQueued();
      return out;
    } finally {
      if (staging.mapState === 'unmapped') this.staging.release(staging);
    }
  }

  /**
   * Collects garbage when many bind groups were made since the last time. Called right before an
   * await: the wrappers' finalizers and Dawn's release of their descriptor sets run while the
   * process waits on the GPU.
   */
  private collectDroppedBindGroups(): void {
    if (!this.collectGarbage || this.bindGroupsSinceCollection < bindGroupsPerCollection) return;
    this.bindGroupsSinceCollection = 0;
    this.collectGarbage();
  }

  /** Awaits a Dawn promise that resolves when submitted work is done (through softwareWait). */
  private async waitForGpu<T>(gpuWait: () => Promise<T>): Promise<T> {
    const newWork = this.counters.dispatches !== this.dispatchesAtLastWait;
    this.dispatchesAtLastWait = this.counters.dispatches;
    const result = await (this.softwareWait ? this.softwareWait.wait(newWork, gpuWait) : gpuWait());
    this.mapGuard?.afterWait();
    return result;
  }

  /**
   * After a refusal near a driver limit: the cached bind groups, plans and pipelines are dropped,
   * every pooled buffer goes back to the device, and garbage collections with device ticks between
   * them let Dawn free what was dropped. Dropping the pipelines is what gives the maps back: Dawn
   * keeps a layout's descriptor sets for reuse (one memory map each on lavapipe) until the layout
   * itself goes, which is after its last bind group and pipeline, each freed at a tick once V8 has
   * collected its wrapper. The engine then remakes what it needs (pipelines compile again on first
   * use): the refusal is never permanent.
   */
  private async relievePressure(): Promise<void> {
    if (!this.underPressure) return;
    this.underPressure = false;
    this.bindGroups.clear();
    this.lazy?.clearPlans();
    this.pipelines.clear();
    this.submit();
    // Nothing recorded is waiting to be submitted: every released buffer may go.
    this.pool.afterSubmit();
    this.pool.trim(0);
    // Round one frees the bind groups; round two the layouts they kept alive.
    for (let round = 0; round < 2; round++) {
      this.collectGarbage?.();
      // Finalizers run after the collection, as tasks of their own.
      await new Promise((resolve) => setTimeout(resolve, 0));
      this.device.queue.submit([]);
      await this.device.queue.onSubmittedWorkDone();
    }
    this.bindGroupsSinceCollection = 0;
  }

  async flush(): Promise<void> {
    this.runPending();
    await this.relievePressure();
    this.collectDroppedBindGroups();
    await this.pipelines.settled();
    this.throwIfFailed();
    this.submit();
    await this.waitForGpu(() => this.device.queue.onSubmittedWorkDone());
    // Compile errors and validation errors arrive through promises and events; let them land.
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.throwIfFailed();
    await this.tuning.runQueued();
  }

  stats(): BackendStats {
    return { ...this.counters, pendingNodes: this.lazy?.pendingNodes ?? 0 };
  }

  memory(): BackendMemory {
    return { buffers: this.pool.liveBuffers, bytes: this.pool.liveBytes, pooledBuffers: this.pool.pooled, cachedBytes: this.lazy?.cachedBytes ?? 0 };
  }

  /**
   * Drops the compiled plans of lazy execution (their memory returns to the pool): the next
   * graphs compile again, with the kernel variants chosen then.
   */
  clearPlanCache(): void {
    this.lazy?.clearPlans();
  }

  boundary(): void {
    if (!this.lazy || this.lazy.pendingNodes === 0 || !this.recordsLazily) return;
    this.runPending();
    // Let the GPU start on a long batch while the next step records.
    if (this.dispatchesInBatch >= dispatchesPerStepSubmit) this.submit();
  }

  /**
   * Frees the device and everything made on it, and lets go of the device: nothing this backend
   * made stays reachable from Dawn's objects (see onUncapturedError), so it is collected.
   */
  destroy(): void {
    this.destroyed = true;
    this.trace = null;
    this.tuning.destroy();
    this.lazy?.destroy();
    this.pool.destroy();
    this.staging.destroy();
    this.ring.destroy();
    for (const b of this.toDestroy) b.destroy();
    this.toDestroy = [];
    this.bindGroups.clear();
    this.generatedFiles.clear();
    this.pipelines.destroy();
    this.encoder = null;
    this.pass = null;
    this.device.removeEventListener('uncapturederror', this.onUncapturedError);
    this.device.destroy();
  }

  /** Submits everything recorded so far (no wait). */
  submit(): void {
    if (this.recordsLazily) this.runPending();
    if (!this.encoder) return;
    this.endPass();
    this.ring.upload(this.device.queue);
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.dispatchesInBatch = 0;
    this.counters.submits++;
    this.pool.afterSubmit();
    for (const b of this.toDestroy) b.destroy();
    this.toDestroy = [];
    if (this.pool.freeCount > maxPooledBuffers && this.pool.trim(maxPooledBuffers / 2) > 0) this.bindGroups.clear();
  }

  private commandEncoder(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder());
  }

  computePass(): GPUComputePassEncoder {
    return (this.pass ??= this.commandEncoder().beginComputePass());
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }

  /** Destroys a GPU buffer once the work recorded so far is submitted. */
  destroyAfterSubmit(b: GPUBuffer): void {
    this.toDestroy.push(b);
  }

  // ---- what plans need to run (graph/plan.ts, PlanRunner) ----------------------------------

  copy(src: GpuBuffer, dst: GpuBuffer, numel: number): void {
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(src.gpu, src.byteOffset, dst.gpu, dst.byteOffset, numel * 4);
  }

  ringUniforms(compiled: CompiledKernel, spec: GpuKernel<object>, params: object): number {
    if (this.ring.full) this.submit();
    return this.ring.push(this.packUniforms(compiled, spec, params)!);
  }

  get ringBuffer(): GPUBuffer {
    return this.ring.buffer;
  }

  dispatched(): void {
    this.counters.dispatches++;
    this.dispatchesInBatch++;
  }

  runHost(run: () => void): void {
    // Host code in a replay encodes its dispatches at once, where the replay is.
    this.immediate++;
    try {
      run();
    } finally {
      this.immediate--;
    }
  }

  /**
   * Bind groups are cached by the identity of the buffers they bind and of the uniform buffer
   * (the ring, or a plan's own), least recently used dropped past a bound (see DESIGN.md).
   */
  bindGroup(compiled: CompiledKernel, buffers: readonly GpuBuffer[], uniforms: GPUBuffer = this.ring.buffer, label = compiled.label): GPUBindGroup {
    let key = bindGroupKey(compiled, buffers);
    if (uniforms !== this.ring.buffer && compiled.uniformBinding >= 0) {
      let id = this.uniformIds.get(uniforms);
      if (id === undefined) {
        id = newBufferUid();
        this.uniformIds.set(uniforms, id);
      }
      key += `|u${id}`;
    }
    let group = this.bindGroups.get(key);
    if (group) {
      // Refresh recency so that eviction drops the least recently used groups.
      this.bindGroups.delete(key);
      this.bindGroups.set(key, group);
      return group;
    }
    try {
      this.mapGuard?.beforeDispatch(compiled.label, this.counters.bindGroupCreations);
    } catch (err) {
      this.underPressure = true;
      throw err;
    }
    const entries = bindGroupEntries(compiled, buffers, uniforms, this.maxBindingBytes);
    group = this.device.createBindGroup({ label, layout: compiled.bindGroupLayout, entries });
    this.counters.bindGroupCreations++;
    this.bindGroupsSinceCollection++;
    if (this.bindGroups.size >= maxCachedBindGroups) {
      const oldest = this.bindGroups.keys().next().value;
      if (oldest !== undefined) this.bindGroups.delete(oldest);
    }
    this.bindGroups.set(key, group);
    return group;
  }

  private fail(err: Error): void {
    // A WGSL compiler message explains the validation errors that follow from it: it wins.
    if (!this.failure || (err.name === compileErrorName && this.failure.name !== compileErrorName && !this.lost)) this.failure = err;
  }

  private throwIfFailed(): void {
    if (this.failure) {
      const err = this.failure;
      // Compile and validation errors are reported once; a lost device stays lost.
      if (!this.lost) this.failure = null;
      throw err;
    }
  }
}

/** What the device offers that decides which kernel variants can run (tuning/variants.ts). */
function deviceCaps(device: GPUDevice, adapter: GPUAdapter, software: boolean): DeviceCaps {
  const info = adapter.info as GPUAdapterInfo & { subgroupMinSize?: number; subgroupMaxSize?: number };
  const subgroups = device.features.has('subgroups');
  return {
    subgroups,
    subgroupMinSize: subgroups ? (info.subgroupMinSize ?? 0) : 0,
    subgroupMaxSize: subgroups ? (info.subgroupMaxSize ?? 0) : 0,
    maxWorkgroupStorageSize: device.limits.maxComputeWorkgroupStorageSize,
    maxInvocationsPerWorkgroup: device.limits.maxComputeInvocationsPerWorkgroup,
    software,
  };
}
