import type { BackendStats } from '../../backend.js';

/**
 * A storage buffer handed out by the pool. `numel` is what the tensor asked for. Under lazy
 * execution a kernel output starts virtual (`pending` set, `gpu` not yet assigned) and gets a
 * pooled buffer only if it is still live when its graph runs (graph/recording.ts).
 */
export interface GpuBuffer {
  readonly numel: number;
  /** The GPU buffer; not assigned while the buffer is virtual (`pending`). */
  gpu: GPUBuffer;
  /** Stable small integer for bind-group cache keys. */
  uid: number;
  /** Byte offset into `gpu` (non-zero only for views into an arena). */
  readonly byteOffset: number;
  /** True for views: freeing them does nothing, the parent owns the memory. */
  readonly isView: boolean;
  /**
   * The step capture that owns this buffer (src/backend/webgpu/graph/trace.ts): freeing it is then
   * deferred until the capture is disposed, because replays still write and read it.
   */
  owner?: object;
  /** Set when the buffer went back to the pool; captures check it before a replay. */
  released?: boolean;
  /** For views: the buffer they view (its release ends them too). */
  readonly parent?: GpuBuffer;
  /** Lazy execution: the pending graph this virtual buffer belongs to (graph/recording.ts). */
  pending?: object | null;
  /** Lazy execution: the buffer's slot in its pending graph (-1 before its first use). */
  pendingSlot?: number;
  /** Lazy execution: freed before its graph ran (internal to the graph: never materialised). */
  pendingFreed?: boolean;
  /** Plans: the slot of the run's graph whose buffer this placeholder stands for. */
  slot?: number;
}

let nextUid = 1;

/** A fresh identity for a buffer made outside the pool (a capture's arena): bind-group keys use it. */
export function newBufferUid(): number {
  return nextUid++;
}

/**
 * Size-bucketed pool of storage buffers. queue.writeBuffer runs ahead of commands that are
 * recorded but not yet submitted, so a buffer freed since the last submit may be handed out again
 * only to a tensor that kernels will write (their commands are ordered after the readers of the
 * old contents); a tensor about to be uploaded waits for a buffer released before the last submit.
 */
export class BufferPool {
  private free = new Map<number, GPUBuffer[]>();
  /** Released since the last submit: reusable by kernel outputs only. */
  private pending = new Map<number, GPUBuffer[]>();
  private uids = new WeakMap<GPUBuffer, number>();
  private readonly maxBufferSize: number;
  liveBuffers = 0;
  liveBytes = 0;
  pooled = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly stats: BackendStats,
  ) {
    this.maxBufferSize = device.limits.maxBufferSize;
  }

  /** Rounds a request up to its bucket: powers of two, finer (eighths) above 1 MiB. */
  static bucket(bytes: number): number {
    if (bytes <= 256) return 256;
    const p = 2 ** Math.ceil(Math.log2(bytes));
    if (bytes <= 1 << 20) return p;
    const step = p / 8;
    return Math.ceil(bytes / step) * step;
  }

  /**
   * The bucket, unless it is larger than the device's largest buffer (a request near
   * maxBufferSize, which need not be a power of two): then the request itself, in whole words.
   */
  static sizeFor(bytes: number, maxBufferSize: number): number {
    const size = BufferPool.bucket(bytes);
    return size <= maxBufferSize ? size : Math.ceil(bytes / 4) * 4;
  }

  /**
   * `writtenBy`: 'device' when only recorded commands will write the buffer, 'host' for uploads.
   * `counted`: false for buffers whose live memory is counted elsewhere (a virtual buffer given
   * memory, counted when it was made) or not at all (a plan's own).
   */
  acquire(numel: number, writtenBy: 'device' | 'host' = 'host', counted = true): GpuBuffer {
    const size = BufferPool.sizeFor(Math.max(numel, 1) * 4, this.maxBufferSize);
    // A kernel output takes the buffer released last, if any (a loop then gets the same buffers,
    // and so the same bind groups, every iteration); an upload needs one released before the
    // last submit.
    let gpu = (writtenBy === 'device' ? this.pending.get(size)?.pop() : undefined) ?? this.free.get(size)?.pop();
    if (gpu) this.pooled--;
    else {
      gpu = this.device.createBuffer({
        size,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
      this.uids.set(gpu, nextUid++);
      this.stats.bufferCreations++;
    }
    if (counted) this.count(numel, 1);
    return { numel, gpu, uid: this.uids.get(gpu)!, byteOffset: 0, isView: false };
  }

  /** `counted`: as for acquire (false: the live count was already lowered). */
  release(buffer: GpuBuffer, counted = true): void {
    buffer.released = true;
    if (counted) this.count(buffer.numel, -1);
    push(this.pending, buffer.gpu);
    this.pooled++;
  }

  /** Adds (`sign` 1) or removes (-1) a live buffer of `numel` elements from the counts. */
  count(numel: number, sign: 1 | -1): void {
    this.liveBuffers += sign;
    this.liveBytes += sign * numel * 4;
  }

  /** Pooled buffers released before the last submit (those `trim` may destroy). */
  get freeCount(): number {
    let n = 0;
    for (const list of this.free.values()) n += list.length;
    return n;
  }

  /**
   * Destroys pooled buffers released before the last submit until at most `keep` remain, the
   * longest unused first: their device memory goes back.
   * Returns how many were destroyed. Work already submitted may still use them: WebGPU frees a
   * destroyed buffer's memory once that work is done.
   */
  trim(keep: number): number {
    let excess = this.freeCount - keep;
    let destroyed = 0;
    while (excess > 0) {
      // From the longest list, its oldest buffer first.
      let longest: GPUBuffer[] | undefined;
      for (const list of this.free.values()) if (!longest || list.length > longest.length) longest = list;
      if (!longest || longest.length === 0) break;
      const n = Math.min(excess, Math.max(1, longest.length >> 1));
      for (const gpu of longest.splice(0, n)) gpu.destroy();
      excess -= n;
      destroyed += n;
      this.pooled -= n;
    }
    return destroyed;
  }

  /** Called right after a submit: buffers freed before it may now be reused for anything. */
  afterSubmit(): void {
    for (const list of this.pending.values()) for (const gpu of list) push(this.free, gpu);
    this.pending.clear();
  }

  destroy(): void {
    for (const map of [this.free, this.pending]) {
      for (const list of map.values()) for (const b of list) b.destroy();
      map.clear();
    }
  }
}

function push(map: Map<number, GPUBuffer[]>, gpu: GPUBuffer): void {
  const list = map.get(gpu.size);
  if (list) list.push(gpu);
  else map.set(gpu.size, [gpu]);
}

/** Reusable MAP_READ buffers for readbacks, bucketed like storage. */
export class StagingPool {
  private free = new Map<number, GPUBuffer[]>();
  private readonly maxBufferSize: number;

  constructor(
    private readonly device: GPUDevice,
    private readonly stats: BackendStats,
  ) {
    this.maxBufferSize = device.limits.maxBufferSize;
  }

  acquire(bytes: number): GPUBuffer {
    const size = BufferPool.sizeFor(bytes, this.maxBufferSize);
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
