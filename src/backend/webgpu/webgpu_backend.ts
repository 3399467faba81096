import type { AdapterInfo, Backend, BackendMemory, BackendStats, CaptureSupport } from '../backend.js';
import { zeroStats } from '../backend.js';
import type { KernelId, KernelParams } from '../../kernel_ids/registry.js';
import { BufferPool, StagingPool, type GpuBuffer } from './device/buffer_pool.js';
import { PipelineCache, compileErrorName, packUniforms, type CompiledKernel } from './device/pipelines.js';
import { UniformRing } from './device/uniform_ring.js';
import { gpuKernels } from './dispatch/index.js';
import { generatedSource, type GpuKernel } from './dispatch/kernel_spec.js';
import type { GeneratedKernel } from './graph/codegen.js';
import fusedLibrary from '../../../shaders/common/fused.wgsl';
import { CaptureRecording } from './graph/capture.js';
import { bindGroupEntries, bindGroupKey } from './device/bind_groups.js';
import type { DispatchGuard, GpuWaitPolicy, SoftwareAdapterCare } from './host_platform.js';
import { paramsRefresh } from '../../compile/dynamic_params.js';

/** Submit once this many dispatches are recorded, so freed buffers return to the pool. */
const maxDispatchesPerSubmit = 2048;
// Each live bind group holds a Vulkan descriptor set, and lavapipe one memory map per set (of at
// most 65530 per process, see nodeGarbageCollector in gpu.ts): the cache keeps well below that.
// Captured steps hold their own bind groups; eager ones rarely repeat beyond a small working set.
const maxCachedBindGroups = 8192;
// Bind groups made since the last collection after which the next wait on the GPU (read, flush)
// first runs a garbage collection, so that the dropped ones release their descriptor sets.
const bindGroupsPerCollection = 8192;

/**
 * Options of the WebGPU backend: the host's care for software adapters (host_platform.ts), used
 * only when the adapter is one. Absent members: none.
 */
export type WebGpuBackendOptions = Partial<SoftwareAdapterCare>;

/**
 * Records kernels into one command encoder (one open compute pass) and submits lazily: when a
 * read needs the results, when the batch grows large, or on `flush`. Nothing waits on the CPU
 * except reads.
 */
export class WebGpuBackend implements Backend, CaptureSupport {
  readonly name = 'webgpu' as const;
  readonly capture: CaptureSupport = this;
  readonly adapterInfo: AdapterInfo;
  private readonly counters: BackendStats = zeroStats();
  private readonly pool: BufferPool;
  private readonly staging: StagingPool;
  private readonly pipelines: PipelineCache;
  private readonly ring: UniformRing;
  private readonly uniformScratch = new DataView(new ArrayBuffer(UniformRing.slotBytes));
  private readonly uniformBytes = new Uint8Array(this.uniformScratch.buffer);
  private bindGroups = new Map<string, GPUBindGroup>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  /** The pass the last replay set a pipeline on (a new pass forgets it). */
  private replayPass: GPUComputePassEncoder | null = null;
  private dispatchesInBatch = 0;
  private failure: Error | null = null;
  private lost = false;
  /** Set by destroy(): a loss that follows is expected, not an error. */
  private destroyed = false;
  /** The step capture being traced, if any (src/backend/webgpu/graph/capture.ts). */
  private recording: CaptureRecording | null = null;
  /** GPU objects to destroy once the work recorded so far is submitted. */
  private destroyAfterSubmit: GPUBuffer[] = [];
  private readonly collectGarbage: (() => void) | null;
  private bindGroupsSinceCollection = 0;
  /** Set for software adapters in Node on Linux: see node/memory_maps.ts. */
  private readonly mapGuard: DispatchGuard | null;
  /** Set for software adapters in Node: see node/software_gpu_wait.ts. */
  private readonly softwareWait: GpuWaitPolicy | null;
  /** counters.dispatches when the last wait began: later ones are new work to wait for. */
  private dispatchesAtLastWait = 0;

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
    this.pool = new BufferPool(device, this.counters);
    this.staging = new StagingPool(device, this.counters);
    this.pipelines = new PipelineCache(device, this.counters, (err) => this.fail(err));
    this.ring = new UniformRing(device);
    device.addEventListener('uncapturederror', (ev) => {
      const err = (ev as GPUUncapturedErrorEvent).error;
      this.fail(new Error(`WebGPU error: ${err.message}`));
    });
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
    const buffer = this.pool.acquire(numel, writtenBy);
    this.recording?.own(buffer);
    return buffer;
  }

  get viewAlignment(): number {
    return this.device.limits.minStorageBufferOffsetAlignment / 4;
  }

  view(parent: GpuBuffer, offset: number, numel: number): GpuBuffer {
    if (offset % this.viewAlignment !== 0) throw new Error(`view: offset ${offset} is not a multiple of ${this.viewAlignment} elements`);
    if (offset < 0 || offset + numel > parent.numel) throw new Error(`view: [${offset}, ${offset + numel}) is outside a buffer of ${parent.numel}`);
    return { numel, gpu: parent.gpu, uid: parent.uid, byteOffset: parent.byteOffset + offset * 4, isView: true, parent };
  }

  free(buffer: GpuBuffer): void {
    if (this.lost || buffer.isView) return;
    // Buffers a capture replays stay out of the pool until the capture is disposed.
    const owner = buffer.owner as CaptureRecording | undefined;
    if (owner && !owner.disposed) owner.deferFree(buffer);
    else if (this.recording?.references(buffer)) this.recording.deferFree(buffer);
    else this.pool.release(buffer);
  }

  upload(buffer: GpuBuffer, data: ArrayLike<number>): void {
    this.throwIfFailed();
    const f32 = data instanceof Float32Array ? data : Float32Array.from(data);
    this.device.queue.writeBuffer(buffer.gpu, buffer.byteOffset, f32.buffer, f32.byteOffset, f32.byteLength);
    this.recording?.upload(buffer, f32);
    this.counters.uploads++;
  }

  run<K extends KernelId>(kernel: K, inputs: GpuBuffer[], outputs: GpuBuffer[], params: KernelParams<K>): void {
    this.throwIfFailed();
    const spec = gpuKernels[kernel] as GpuKernel<KernelParams<K>>;
    const workgroups = spec.workgroups(params);
    if (workgroups[0] === 0 || workgroups[1] === 0 || workgroups[2] === 0) return;
    const compiled = this.pipelines.get(kernel, spec, params);
    const buffers = [...inputs, ...outputs];
    if (buffers.length !== compiled.storageBindings) {
      throw new Error(`${compiled.label}: the shader binds ${compiled.storageBindings} storage buffers, the kernel was given ${buffers.length}`);
    }
    if (this.recording) {
      // Traced, not run: the first call's results come from the capture's first replay, so a step
      // of many thousands of kernels never makes a bind group per kernel (lavapipe has crashed
      // under that load) and runs only in its compiled form.
      const refresh = paramsRefresh(params as object);
      if (refresh) this.recording.dynamicDispatch(compiled, spec as GpuKernel<object>, refresh, params as object, buffers, inputs.length);
      else this.recording.dispatch(compiled, kernel, params as object, buffers, inputs.length, workgroups, this.packUniforms(compiled, spec, params));
      return;
    }
    this.mapGuard?.beforeDispatch(compiled.label, this.counters.bindGroupCreations);
    if (this.ring.full || this.dispatchesInBatch >= maxDispatchesPerSubmit) this.submit();
    this.encodeDispatch(compiled, spec, params, buffers, workgroups);
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

  // ---- step capture (src/compile/compile_step.ts drives it) ---------------------------------------------

  /** Starts tracing: commands are recorded (not run), and new buffers belong to the capture. */
  beginCapture(): void {
    if (this.recording) throw new Error('compile: compiled functions cannot be nested');
    this.recording = new CaptureRecording();
  }

  /** Ends tracing; `remap` swaps traced argument buffers for the slots replays copy into. */
  endCapture(remap: ReadonlyMap<GpuBuffer, GpuBuffer>, options: { fuse?: boolean } = {}): CaptureRecording {
    const rec = this.recording;
    if (!rec) throw new Error('compile: no capture is being traced');
    this.recording = null;
    rec.finish(
      this.device,
      remap,
      options.fuse === false ? null : (kernel, workgroups, constants) => this.compileGenerated(kernel, workgroups, constants),
      (b) => this.pool.release(b),
    );
    this.counters.fusedKernels += rec.fusedKernels;
    this.counters.bindGroupCreations += rec.bindGroupCount;
    return rec;
  }

  /**
   * Runs `encode` now; while a step is traced, the call itself is recorded instead of the commands
   * it encodes, and runs again on every replay (host state that changes per step).
   */
  runReplayable(encode: () => void, reads: readonly GpuBuffer[] = []): void {
    const rec = this.recording;
    if (!rec) return encode();
    // Like every traced command, it runs at the replays, the first of which completes the call.
    rec.host(encode, reads);
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
    const rec = this.recording;
    this.recording = null;
    rec?.dispose((b) => this.pool.release(b), (b) => this.destroyAfterSubmit.push(b));
  }

  /** Re-encodes a capture into the current command encoder: no graph work, no new buffers. */
  replay(rec: CaptureRecording): void {
    this.throwIfFailed();
    if (this.recording) throw new Error('compile: compiled functions cannot be nested');
    if (!rec.isValid()) throw new Error('compile: the capture uses a buffer that was freed (re-trace it)');
    let pipeline: GPUComputePipeline | null = null;
    for (const c of rec.commands) {
      if (c.kind === 'host') {
        c.run();
        pipeline = null;
      } else if (c.kind === 'copy') {
        this.endPass();
        pipeline = null;
        this.commandEncoder().copyBufferToBuffer(c.src.gpu, c.src.byteOffset, c.dst.gpu, c.dst.byteOffset, c.numel * 4);
      } else if (c.kind === 'dynamic') {
        // The params drawn while tracing serve the first replay (which completes the traced call).
        const params = c.pending ?? c.refresh();
        c.pending = undefined;
        this.encodeDispatch(c.compiled, c.spec, params, c.buffers, c.spec.workgroups(params));
        this.replayPass = this.pass;
        pipeline = c.compiled.pipeline;
      } else {
        if (c.once) {
          if (c.ran) continue;
          c.ran = true;
        }
        const pass = this.computePass();
        if (pass !== this.replayPass) {
          this.replayPass = pass;
          pipeline = null;
        }
        if (c.compiled.pipeline !== pipeline) {
          pipeline = c.compiled.pipeline;
          pass.setPipeline(pipeline);
        }
        pass.setBindGroup(0, c.bindGroup!, c.uniformOffset >= 0 ? [c.uniformOffset] : []);
        pass.dispatchWorkgroups(c.workgroups[0], c.workgroups[1], c.workgroups[2]);
        this.counters.dispatches++;
      }
    }
  }

  /** Frees a capture: its buffers return to the pool, its uniforms are destroyed after the next submit. */
  disposeCapture(rec: CaptureRecording): void {
    rec.dispose((b) => this.pool.release(b), (b) => this.destroyAfterSubmit.push(b));
  }

  copyBuffer(src: GpuBuffer, dst: GpuBuffer, numel: number): void {
    this.throwIfFailed();
    if (numel === 0) return;
    if (this.recording) {
      this.recording.copy(src, dst, numel);
      return;
    }
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(src.gpu, src.byteOffset, dst.gpu, dst.byteOffset, numel * 4);
  }

  async read(buffer: GpuBuffer): Promise<Float32Array> {
    if (this.recording) throw new Error('compile: a compiled function cannot read tensors (no readbacks inside a captured step)');
    const bytes = buffer.numel * 4;
    if (bytes === 0) return new Float32Array(0);
    // The copy is recorded now, so later commands (a variable's assign) cannot change what is read.
    const staging = this.staging.acquire(bytes);
    this.collectDroppedBindGroups();
    if (!this.lost) {
      this.endPass();
      this.commandEncoder().copyBufferToBuffer(buffer.gpu, buffer.byteOffset, staging, 0, bytes);
      this.submit();
    }
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

  async flush(): Promise<void> {
    this.collectDroppedBindGroups();
    await this.pipelines.settled();
    this.throwIfFailed();
    this.submit();
    await this.waitForGpu(() => this.device.queue.onSubmittedWorkDone());
    // Compile errors and validation errors arrive through promises and events; let them land.
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.throwIfFailed();
  }

  stats(): BackendStats {
    return { ...this.counters };
  }

  memory(): BackendMemory {
    return { buffers: this.pool.liveBuffers, bytes: this.pool.liveBytes, pooledBuffers: this.pool.pooled };
  }

  destroy(): void {
    this.destroyed = true;
    this.pool.destroy();
    this.staging.destroy();
    this.ring.destroy();
    this.device.destroy();
  }

  /** Submits everything recorded so far (no wait). */
  submit(): void {
    if (!this.encoder) return;
    this.endPass();
    this.ring.upload(this.device.queue);
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.dispatchesInBatch = 0;
    this.counters.submits++;
    this.pool.afterSubmit();
    for (const b of this.destroyAfterSubmit) b.destroy();
    this.destroyAfterSubmit = [];
  }

  private commandEncoder(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder());
  }

  private computePass(): GPUComputePassEncoder {
    return (this.pass ??= this.commandEncoder().beginComputePass());
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }

  /** Bind groups are cached by the identity of the buffers they bind (see DESIGN.md). */
  private bindGroup(compiled: CompiledKernel, buffers: GpuBuffer[]): GPUBindGroup {
    const key = bindGroupKey(compiled, buffers);
    let group = this.bindGroups.get(key);
    if (group) {
      // Refresh recency so that eviction drops the least recently used groups.
      this.bindGroups.delete(key);
      this.bindGroups.set(key, group);
      return group;
    }
    const entries = bindGroupEntries(compiled, buffers, this.ring.buffer);
    group = this.device.createBindGroup({ label: compiled.label, layout: compiled.bindGroupLayout, entries });
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
