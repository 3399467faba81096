import type { KernelId, KernelParams } from '../kernel_ids/registry.js';
import type { Tuning } from './webgpu/tuning/control.js';
import type { CallBlock } from './call_block.js';

/** A backend's buffer of `numel` 32-bit elements (float64 on the CPU's gradient-check mode). */
export interface BackendBuffer {
  readonly numel: number;
}

/** Counters that tests and benchmarks assert on (DESIGN.md, "One execution path"). */
export interface BackendStats {
  /** Ops recorded: nodes of the pending graph (WebGPU, lazy), or kernels run (CPU, eager WebGPU). */
  nodes: number;
  /** Nodes recorded and not yet run (lazy execution); 0 elsewhere. */
  pendingNodes: number;
  /** Plans compiled from pending graphs, and graphs that found their plan in the cache. */
  plansCompiled: number;
  planCacheHits: number;
  /** Compute dispatches encoded. */
  dispatches: number;
  submits: number;
  readbacks: number;
  bufferCreations: number;
  pipelineCompilations: number;
  bindGroupCreations: number;
  uploads: number;
  /** Generated kernels that replace chains of elementwise kernels in captured steps. */
  fusedKernels: number;
  /** Kernel shapes whose variants were timed on the adapter (src/backend/webgpu/tuning/tuner.ts). */
  tuningRuns: number;
}

/** What a backend holds on its device right now. */
export interface BackendMemory {
  /** Buffers handed out and not yet freed. */
  buffers: number;
  /** Bytes of those buffers (as requested, not as rounded up by the pool). */
  bytes: number;
  /** Buffers kept by the pool for reuse. */
  pooledBuffers: number;
  /** Bytes held by compiled plans for their internal buffers (lazy execution's plan cache). */
  cachedBytes: number;
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

/** A traced step a backend can re-encode without the JavaScript graph work (src/compile/compile_step.ts). */
export interface CapturedStep {
  /** False once a buffer the step uses but does not own was freed. */
  isValid(): boolean;
  /** Compute dispatches per replay (constants computed on the first replay only left out). */
  readonly dispatches: number;
  /** What one replay encodes, in order: kernel ids, 'fused', 'copy', 'host' (as `dispatches`). */
  readonly kernels: string[];
  /** Hands a buffer allocated while tracing back to its tensor (a variable made in the step). */
  disown(buffer: BackendBuffer): void;
}

/** Step capture, for backends that record commands (WebGPU); the CPU reference runs eagerly. */
export interface CaptureSupport {
  /** Starts tracing: commands are executed and recorded, new buffers belong to the capture. */
  beginCapture(): void;
  /**
   * Ends tracing; `remap` swaps traced argument buffers for the slots replays copy into. With
   * `fuse` (default true), chains of elementwise kernels become generated fused kernels.
   */
  endCapture(remap: ReadonlyMap<BackendBuffer, BackendBuffer>, options?: { fuse?: boolean }): CapturedStep;
  /** Drops a trace that threw. */
  abortCapture(): void;
  /**
   * Runs `encode` now and, while a step is traced, again on every replay (instead of its
   * commands). `reads` lists the buffers it reads that the traced commands write.
   */
  runReplayable(encode: () => void, reads?: readonly BackendBuffer[]): void;
  /** Re-encodes the step after whatever is recorded already. */
  replay(step: CapturedStep): void;
  /** Frees the step's buffers. */
  disposeCapture(step: CapturedStep): void;
}

/**
 * The small interface every backend implements: storage, transfers and running a kernel by id.
 * Ops never call a backend directly; they go through `Engine.runKernel`.
 */
export interface Backend {
  readonly name: 'cpu' | 'webgpu';
  readonly adapterInfo: AdapterInfo;
  /**
   * A buffer of `numel` elements. `writtenBy` 'device' promises that only recorded kernels and
   * copies write it (never an upload), which lets WebGPU reuse buffers freed since the last submit.
   */
  alloc(numel: number, writtenBy?: 'device' | 'host'): BackendBuffer;
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
  /** Records (WebGPU) or runs (CPU) one kernel. Outputs may alias no input. The arrays are the caller's: copy what is kept. */
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
  /**
   * The natural end of a step (the outermost tidy scope ended): a lazy backend may run what is
   * pending now, at the same point of every iteration of a loop, so that its plans repeat.
   */
  boundary?(): void;
  /**
   * Runs a block of calls (call_block.ts) at once, when the backend can show that running them one
   * by one would leave it in the same state; returns the buffers the block allocated, by symbol,
   * or null (nothing done: run the calls one by one).
   */
  replayBlock?(block: CallBlock, external: readonly BackendBuffer[]): BackendBuffer[] | null;
  /**
   * Called before a block's calls run one by one: the returned function, called after them with
   * the buffers they allocated, lets the backend learn the block for `replayBlock`.
   */
  watchBlock?(block: CallBlock, external: readonly BackendBuffer[]): ((made: readonly BackendBuffer[]) => void) | null;
  /** Submits recorded work and surfaces asynchronous errors (compile, validation, device loss). */
  flush(): Promise<void>;
  stats(): BackendStats;
  memory(): BackendMemory;
  destroy(): void;
  /** Present where steps can be captured and replayed. */
  readonly capture?: CaptureSupport;
  /** Present where kernels have variants to choose from (WebGPU): `e.tuning`. */
  readonly tuning?: Tuning;
}

export function zeroStats(): BackendStats {
  return {
    nodes: 0,
    pendingNodes: 0,
    plansCompiled: 0,
    planCacheHits: 0,
    dispatches: 0,
    submits: 0,
    readbacks: 0,
    bufferCreations: 0,
    pipelineCompilations: 0,
    bindGroupCreations: 0,
    uploads: 0,
    fusedKernels: 0,
    tuningRuns: 0,
  };
}
