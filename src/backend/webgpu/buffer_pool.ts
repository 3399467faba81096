import type { BackendStats } from '../backend.js';

/** A storage buffer handed out by the pool. `numel` is what the tensor asked for. */
export interface GpuBuffer {
  readonly numel: number;
  readonly gpu: GPUBuffer;
  /** Stable small integer for bind-group cache keys. */
  readonly uid: number;
  /** Byte offset into `gpu` (non-zero only for views into an arena). */
  readonly byteOffset: number;
  /** True for views: freeing them does nothing, the parent owns the memory. */
  readonly isView: boolean;
}

let nextUid = 1;

/**
 * Size-bucketed pool of storage buffers. A freed buffer becomes reusable only after the next
 * submit: queue.writeBuffer runs ahead of commands that are recorded but not yet submitted, so
 * reusing it earlier could let an upload overwrite data a recorded kernel still has to read.
 */
export class BufferPool {
  private free = new Map<number, GPUBuffer[]>();
  private pending: GPUBuffer[] = [];
  private uids = new WeakMap<GPUBuffer, number>();
  liveBuffers = 0;
  liveBytes = 0;
  pooled = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly stats: BackendStats,
  ) {}

  /** Rounds a request up to its bucket: powers of two, finer (eighths) above 1 MiB. */
  static bucket(bytes: number): number {
    if (bytes <= 256) return 256;
    const p = 2 ** Math.ceil(Math.log2(bytes));
    if (bytes <= 1 << 20) return p;
    const step = p / 8;
    return Math.ceil(bytes / step) * step;
  }

  acquire(numel: number): GpuBuffer {
    const size = BufferPool.bucket(Math.max(numel, 1) * 4);
    let gpu = this.free.get(size)?.pop();
    if (gpu) this.pooled--;
    else {
      gpu = this.device.createBuffer({
        size,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
      this.uids.set(gpu, nextUid++);
      this.stats.bufferCreations++;
    }
    this.liveBuffers++;
    this.liveBytes += numel * 4;
    return { numel, gpu, uid: this.uids.get(gpu)!, byteOffset: 0, isView: false };
  }

  release(buffer: GpuBuffer): void {
    this.liveBuffers--;
    this.liveBytes -= buffer.numel * 4;
    this.pending.push(buffer.gpu);
  }

  /** Called right after a submit: buffers freed before it may now be reused. */
  afterSubmit(): void {
    for (const gpu of this.pending) {
      const list = this.free.get(gpu.size);
      if (list) list.push(gpu);
      else this.free.set(gpu.size, [gpu]);
      this.pooled++;
    }
    this.pending = [];
  }

  destroy(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    for (const b of this.pending) b.destroy();
    this.free.clear();
    this.pending = [];
  }
}

/** Reusable MAP_READ buffers for readbacks, bucketed like storage. */
export class StagingPool {
  private free = new Map<number, GPUBuffer[]>();

  constructor(
    private readonly device: GPUDevice,
    private readonly stats: BackendStats,
  ) {}

  acquire(bytes: number): GPUBuffer {
    const size = BufferPool.bucket(bytes);
    const b = this.free.get(size)?.pop();
    if (b) return b;
    this.stats.bufferCreations++;
    return this.device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  }

  release(b: GPUBuffer): void {
    const list = this.free.get(b.size);
    if (list) list.push(b);
    else this.free.set(b.size, [b]);
  }

  destroy(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
  }
}
