import type { AdapterInfo, Backend, BackendMemory, BackendStats } from '../backend.js';
import { zeroStats } from '../backend.js';
import type { KernelId, KernelParams } from '../../kernel_ids/registry.js';
import { cpuKernels, type CpuArray } from './index.js';

/** A CPU buffer: a typed array of the backend's precision. */
export interface CpuBuffer {
  readonly numel: number;
  readonly data: CpuArray;
  /** True for views into another buffer (freeing them does nothing). */
  readonly isView?: boolean;
}

/**
 * The reference backend: plain loops, run immediately. In float64 mode (for gradient checks by
 * finite differences) every buffer is a Float64Array; otherwise Float32Array like the GPU.
 */
export class CpuBackend implements Backend {
  readonly name = 'cpu' as const;
  readonly adapterInfo: AdapterInfo;
  private readonly counters: BackendStats = zeroStats();
  private live = 0;
  private liveBytes = 0;

  constructor(readonly precision: 'float32' | 'float64' = 'float32') {
    this.adapterInfo = {
      backend: 'cpu',
      vendor: 'webgpu-descent',
      architecture: 'cpu',
      device: `reference (${precision})`,
      description: `CPU reference backend, ${precision}`,
      isSoftware: true,
    };
  }

  alloc(numel: number, _writtenBy?: 'device' | 'host'): CpuBuffer {
    this.live++;
    this.liveBytes += numel * 4;
    this.counters.bufferCreations++;
    return { numel, data: this.precision === 'float64' ? new Float64Array(numel) : new Float32Array(numel) };
  }

  readonly viewAlignment = 1;

  view(parent: CpuBuffer, offset: number, numel: number): CpuBuffer {
    if (offset < 0 || offset + numel > parent.numel) throw new Error(`view: [${offset}, ${offset + numel}) is outside a buffer of ${parent.numel}`);
    return { numel, data: parent.data.subarray(offset, offset + numel), isView: true };
  }

  free(buffer: CpuBuffer): void {
    if (buffer.isView) return;
    this.live--;
    this.liveBytes -= buffer.numel * 4;
  }

  upload(buffer: CpuBuffer, data: ArrayLike<number>): void {
    buffer.data.set(data);
    this.counters.uploads++;
  }

  async read(buffer: CpuBuffer): Promise<Float32Array | Float64Array> {
    this.counters.readbacks++;
    return buffer.data.slice();
  }

  run<K extends KernelId>(kernel: K, inputs: CpuBuffer[], outputs: CpuBuffer[], params: KernelParams<K>): void {
    const fn = cpuKernels[kernel] as (ins: CpuArray[], outs: CpuArray[], p: KernelParams<K>) => void;
    fn(
      inputs.map((b) => b.data),
      outputs.map((b) => b.data),
      params,
    );
    this.counters.dispatches++;
    this.counters.nodes++;
  }

  copyBuffer(src: CpuBuffer, dst: CpuBuffer, numel: number): void {
    dst.data.set(src.data.subarray(0, numel));
  }

  submit(): void {}

  async flush(): Promise<void> {}

  stats(): BackendStats {
    return { ...this.counters };
  }

  memory(): BackendMemory {
    return { buffers: this.live, bytes: this.liveBytes, pooledBuffers: 0, cachedBytes: 0 };
  }

  destroy(): void {}
}
