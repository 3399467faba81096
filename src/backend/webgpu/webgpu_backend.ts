import type { AdapterInfo, Backend, BackendMemory, BackendStats } from '../backend.js';
import { zeroStats } from '../backend.js';
import type { KernelId, KernelParams } from '../../kernels/registry.js';
import { BufferPool, StagingPool, type GpuBuffer } from './buffer_pool.js';
import { PipelineCache, packUniforms, type CompiledKernel } from './pipelines.js';
import { UniformRing } from './uniform_ring.js';
import { gpuKernels } from './kernels/index.js';
import type { GpuKernel } from './kernel_spec.js';

/** Submit once this many dispatches are recorded, so freed buffers return to the pool. */
const maxDispatchesPerSubmit = 2048;
const maxCachedBindGroups = 8192;

/**
 * Records kernels into one command encoder (one open compute pass) and submits lazily: when a
 * read needs the results, when the batch grows large, or on `flush`. Nothing waits on the CPU
 * except reads.
 */
export class WebGpuBackend implements Backend {
  readonly name = 'webgpu' as const;
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
  private dispatchesInBatch = 0;
  private failure: Error | null = null;
  private lost = false;

  constructor(
    readonly device: GPUDevice,
    adapter: GPUAdapter,
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
      if (info.reason !== 'destroyed') {
        this.fail(new Error(`WebGPU device lost (${info.reason}): ${info.message}. Create a new engine to continue.`));
      }
    });
  }

  alloc(numel: number): GpuBuffer {
    this.throwIfFailed();
    return this.pool.acquire(numel);
  }

  get viewAlignment(): number {
    return this.device.limits.minStorageBufferOffsetAlignment / 4;
  }

  view(parent: GpuBuffer, offset: number, numel: number): GpuBuffer {
    if (offset % this.viewAlignment !== 0) throw new Error(`view: offset ${offset} is not a multiple of ${this.viewAlignment} elements`);
    if (offset < 0 || offset + numel > parent.numel) throw new Error(`view: [${offset}, ${offset + numel}) is outside a buffer of ${parent.numel}`);
    return { numel, gpu: parent.gpu, uid: parent.uid, byteOffset: parent.byteOffset + offset * 4, isView: true };
  }

  free(buffer: GpuBuffer): void {
    if (!this.lost && !buffer.isView) this.pool.release(buffer);
  }

  upload(buffer: GpuBuffer, data: ArrayLike<number>): void {
    this.throwIfFailed();
    const f32 = data instanceof Float32Array ? data : Float32Array.from(data);
    this.device.queue.writeBuffer(buffer.gpu, buffer.byteOffset, f32.buffer, f32.byteOffset, f32.byteLength);
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
    if (this.ring.full || this.dispatchesInBatch >= maxDispatchesPerSubmit) this.submit();
    let offset = 0;
    if (compiled.uniformBinding >= 0) {
      this.uniformBytes.fill(0, 0, compiled.uniformBytes);
      packUniforms(compiled, spec.uniforms(params), this.uniformScratch);
      offset = this.ring.push(this.uniformBytes.subarray(0, compiled.uniformBytes));
    }
    const pass = this.computePass();
    pass.setPipeline(compiled.pipeline);
    pass.setBindGroup(0, this.bindGroup(compiled, buffers), compiled.uniformBinding >= 0 ? [offset] : []);
    pass.dispatchWorkgroups(workgroups[0], workgroups[1], workgroups[2]);
    this.counters.dispatches++;
    this.dispatchesInBatch++;
  }

  copyBuffer(src: GpuBuffer, dst: GpuBuffer, numel: number): void {
    this.throwIfFailed();
    if (numel === 0) return;
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(src.gpu, src.byteOffset, dst.gpu, dst.byteOffset, numel * 4);
  }

  async read(buffer: GpuBuffer): Promise<Float32Array> {
    this.throwIfFailed();
    const bytes = buffer.numel * 4;
    if (bytes === 0) return new Float32Array(0);
    const staging = this.staging.acquire(bytes);
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(buffer.gpu, buffer.byteOffset, staging, 0, bytes);
    this.submit();
    this.counters.readbacks++;
    try {
      await staging.mapAsync(GPUMapMode.READ, 0, bytes);
    } catch (err) {
      this.throwIfFailed();
      throw err;
    }
    const out = new Float32Array(staging.getMappedRange(0, bytes).slice(0));
    staging.unmap();
    this.staging.release(staging);
    this.throwIfFailed();
    return out;
  }

  async flush(): Promise<void> {
    this.throwIfFailed();
    this.submit();
    await this.device.queue.onSubmittedWorkDone();
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
    let key = `${compiled.uid}`;
    for (const b of buffers) key += b.isView ? `:${b.uid}@${b.byteOffset}+${b.numel}` : `:${b.uid}`;
    let group = this.bindGroups.get(key);
    if (group) {
      // Refresh recency so that eviction drops the least recently used groups.
      this.bindGroups.delete(key);
      this.bindGroups.set(key, group);
      return group;
    }
    // Pooled buffers bind whole (their bucket may be larger than the tensor, which keeps one bind
    // group valid for every tensor that reuses the buffer); views bind exactly their range.
    const entries: GPUBindGroupEntry[] = buffers.map((b, i) => ({
      binding: i,
      resource: b.isView ? { buffer: b.gpu, offset: b.byteOffset, size: Math.max(b.numel, 1) * 4 } : { buffer: b.gpu },
    }));
    if (compiled.uniformBinding >= 0) {
      entries.push({
        binding: compiled.uniformBinding,
        resource: { buffer: this.ring.buffer, offset: 0, size: Math.max(compiled.uniformBytes, 16) },
      });
    }
    group = this.device.createBindGroup({ label: compiled.label, layout: compiled.bindGroupLayout, entries });
    this.counters.bindGroupCreations++;
    if (this.bindGroups.size >= maxCachedBindGroups) {
      const oldest = this.bindGroups.keys().next().value;
      if (oldest !== undefined) this.bindGroups.delete(oldest);
    }
    this.bindGroups.set(key, group);
    return group;
  }

  private fail(err: Error): void {
    this.failure ??= err;
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
