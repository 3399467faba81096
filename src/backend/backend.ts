import type { KernelId, KernelParams } from '../kernels/registry.js';

/** A backend's buffer of `numel` 32-bit elements (float64 on the CPU's gradient-check mode). */
export interface BackendBuffer {
  readonly numel: number;
}

/** Counters that tests and benchmarks assert on (see DESIGN.md, "Numbers that keep us honest"). */
export interface BackendStats {
  dispatches: number;
  submits: number;
  readbacks: number;
  bufferCreations: number;
  pipelineCompilations: number;
  bindGroupCreations: number;
  uploads: number;
}

/** What a backend holds on its device right now. */
export interface BackendMemory {
  /** Buffers handed out and not yet freed. */
  buffers: number;
  /** Bytes of those buffers (as requested, not as rounded up by the pool). */
  bytes: number;
  /** Buffers kept by the pool for reuse. */
  pooledBuffers: number;
}

/** Describes the device a backend runs on. */
export interface AdapterInfo {
  backend: 'cpu' | 'webgpu';
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for software adapters (lavapipe, SwiftShader) and the CPU reference backend. */
  isSoftware: boolean;
}

/**
 * The small interface every backend implements: storage, transfers and running a kernel by id.
 * Ops never call a backend directly; they go through `Engine.runKernel`.
 */
export interface Backend {
  readonly name: 'cpu' | 'webgpu';
  readonly adapterInfo: AdapterInfo;
  alloc(numel: number): BackendBuffer;
  /**
   * A view of `numel` elements of `parent` starting at element `offset` (a multiple of
   * `viewAlignment`): kernels bind it like any buffer. Parameter arenas are built from views.
   * Freeing a view does nothing; freeing the parent ends every view.
   */
  view(parent: BackendBuffer, offset: number, numel: number): BackendBuffer;
  /** Element alignment of view offsets (WebGPU: minStorageBufferOffsetAlignment / 4). */
  readonly viewAlignment: number;
  free(buffer: BackendBuffer): void;
  upload(buffer: BackendBuffer, data: ArrayLike<number>): void;
  /** Reads a buffer back; `Float64Array` only from the CPU backend in float64 mode. */
  read(buffer: BackendBuffer): Promise<Float32Array | Float64Array>;
  /** Records (WebGPU) or runs (CPU) one kernel. Outputs may alias no input. */
  run<K extends KernelId>(kernel: K, inputs: BackendBuffer[], outputs: BackendBuffer[], params: KernelParams<K>): void;
  /**
   * Copies `numel` elements between buffers (views included) without a compute dispatch
   * (copyBufferToBuffer on WebGPU), in recording order.
   */
  copyBuffer(src: BackendBuffer, dst: BackendBuffer, numel: number): void;
  /**
   * Submits what is recorded without waiting (a no-op on the CPU). Training steps call it once
   * per step so that buffers freed during the step return to the pool for the next one.
   */
  submit(): void;
  /** Submits recorded work and surfaces asynchronous errors (compile, validation, device loss). */
  flush(): Promise<void>;
  stats(): BackendStats;
  memory(): BackendMemory;
  destroy(): void;
}

export function zeroStats(): BackendStats {
  return { dispatches: 0, submits: 0, readbacks: 0, bufferCreations: 0, pipelineCompilations: 0, bindGroupCreations: 0, uploads: 0 };
}
