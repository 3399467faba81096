import { Engine } from './engine.js';
import { CpuBackend } from './backend/cpu/cpu_backend.js';
import { WebGpuBackend } from './backend/webgpu/webgpu_backend.js';
import { getGpu, requestAdapter, requestDevice } from './backend/webgpu/device/gpu.js';
import { hostPlatform, noSoftwareAdapterCare } from './backend/webgpu/host_platform.js';
import type { AutotuneMode } from './backend/webgpu/tuning/control.js';
import { defaultStore, memoryStore } from './backend/webgpu/tuning/store.js';
import './ops/index.js';

/** Options of `createEngine`. */
export interface EngineOptions {
  /** 'webgpu' (default): navigator.gpu, or the `webgpu` package (Dawn) in Node. 'cpu': the reference. */
  backend?: 'webgpu' | 'cpu';
  /** CPU only: 'float64' runs the reference in double precision (for gradient checks). */
  cpuPrecision?: 'float32' | 'float64';
  /** WebGPU only: use this device instead of requesting one. */
  device?: GPUDevice;
  /** WebGPU only: adapter preference. */
  powerPreference?: GPUPowerPreference;
  /**
   * WebGPU only: lazy execution (default true). Ops record a graph that runs, fused and batched,
   * when a result is needed (a read, `e.flush()`) or a step ends (the outermost `tidy`); plans are
   * cached by the graph's structure, so a loop compiles once. `false` dispatches every op when it
   * is called (for debugging: errors and timings per op).
   */
  lazy?: boolean;
  /** WebGPU, lazy execution only: fuse and batch the recorded graphs (default true). */
  fuse?: boolean;
  /** Debug modes. `nans`: the NaN/Inf tracer from the start (see `Engine.debugNans`). */
  debug?: DebugOptions;
  /**
   * WebGPU: kernel autotuning (default 'on'; in Node the WEBGPU_DESCENT_AUTOTUNE environment
   * variable sets the default). 'on': a kernel shape met for the first time runs a heuristic
   * choice of variant while its variants are timed on the adapter at the next read or flush
   * (at most `tuningBudgetMs` per read), and the fastest runs from then on; the table persists
   * (Node: a JSON file in the user's cache directory; browsers: IndexedDB). 'cached': the
   * persisted table is used, nothing is timed. 'off': the heuristic choices only. See `e.tuning`.
   */
  autotune?: AutotuneMode;
  /** WebGPU, Node: the tuning table's file (default: WEBGPU_DESCENT_TUNING_CACHE, else the user's cache directory). */
  tuningCache?: string;
  /**
   * WebGPU: most milliseconds of timing at one read or flush (default 500); each kernel shape
   * takes at most 100, except on a software adapter, where the default variant and each of its
   * few rivals there are timed at least once (README, "Autotuning").
   */
  tuningBudgetMs?: number;
}

/** Debug modes of `createEngine`. */
export interface DebugOptions {
  /** Report the first op that makes a NaN or an infinity from finite inputs (`e.debugNans`). */
  nans?: boolean;
}

/**
 * Creates an engine. In Node, 'webgpu' uses a real GPU adapter when there is one, else lavapipe
 * (Mesa's software Vulkan driver); `e.adapterInfo` tells which. Three things it does in Node with
 * a software adapter, for lavapipe's sake: it runs a full garbage collection before a wait on the
 * GPU once 8,192 bind groups were made since the last one (setting V8's `--expose-gc` then, if
 * the process was not started with it); a wait for long work sleeps instead of letting Dawn's
 * poll take a core from the driver's threads, until those threads stop (on Linux it reads their
 * states in /proc/self/task; src/backend/webgpu/node/software_gpu_wait.ts); and on Linux, a dispatch is
 * refused with an error once the process holds most of its memory maps and they keep growing
 * without a wait (lavapipe takes one per bind group; at the limit the process would crash;
 * src/backend/webgpu/node/memory_maps.ts).
 */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const e = await createBackendEngine(options);
  if (options.debug?.nans) e.debugNans(true);
  return e;
}

async function createBackendEngine(options: EngineOptions): Promise<Engine> {
  const backend = options.backend ?? 'webgpu';
  if (backend === 'cpu') return new Engine(new CpuBackend(options.cpuPrecision ?? 'float32'));
  if (backend !== 'webgpu') throw new Error(`createEngine: unknown backend '${String(backend)}' (use 'webgpu' or 'cpu')`);
  const gpu = await getGpu();
  const adapter = await requestAdapter(gpu, options.powerPreference);
  const device = options.device ?? (await requestDevice(adapter));
  const host = hostPlatform();
  const care = (await host?.softwareAdapterCare()) ?? noSoftwareAdapterCare;
  const autotune = options.autotune ?? host?.defaultAutotune?.() ?? 'on';
  if (autotune !== 'on' && autotune !== 'cached' && autotune !== 'off') {
    throw new Error(`createEngine: autotune must be 'on', 'cached' or 'off', got ${JSON.stringify(autotune)}`);
  }
  const tuning = { mode: autotune, store: autotune === 'off' ? memoryStore() : defaultStore({ path: options.tuningCache }), roundBudgetMs: options.tuningBudgetMs };
  const gpuBackend = new WebGpuBackend(device, adapter, { ...care, lazy: options.lazy ?? true, fuse: options.fuse ?? true, tuning });
  await gpuBackend.tuning.ready;
  return new Engine(gpuBackend);
}
