/**
 * Loads TensorFlow.js (tfjs-core 4.22 with its WebGPU and WASM backends) into this process, on the
 * SAME WebGPU implementation our engine uses: Dawn's GPU object from `getGpu()` becomes
 * `navigator.gpu` (Node has no navigator.gpu), so tfjs requests its own device from the same
 * adapter (lavapipe here). Dawn's GPU object must live as long as the process: `getGpu()` keeps it.
 *
 * tfjs-backend-webgpu registers itself at import time only if `navigator.gpu` exists, hence the
 * dynamic imports after it is set. The packages are bundled from their ES module builds
 * (bench/build.mjs); tfjs-core alone registers no gradients (the `@tensorflow/tfjs` umbrella
 * does), so its register_all_gradients module is imported too.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { getGpu } from '../../src/backend/webgpu/device/gpu.js';
import { countTfjsWebGpu, type TfjsCounters } from './counters.js';

/** The tfjs-core namespace (types from the package). */
export type Tf = typeof import('@tensorflow/tfjs-core');

/** A tfjs tensor of any rank. */
export type TfTensor = import('@tensorflow/tfjs-core').Tensor;

/** TensorFlow.js with the backends that loaded. */
export interface TfjsSetup {
  tf: Tf;
  /** True if the WebGPU backend initialised on our adapter. */
  webgpu: boolean;
  /** True if the WASM backend initialised. */
  wasm: boolean;
  /** How the WASM backend runs (SIMD, threads), for the report. */
  wasmFlavour: string;
  /** Dispatch, submit and readback counters of the WebGPU backend; null without it. */
  counters: TfjsCounters | null;
  /** Why a backend is missing, for the report. */
  notes: string[];
  /** The version of tfjs-core that loaded. */
  version: string;
}

/** Makes `navigator.gpu` our Dawn GPU object (Node 20 has no navigator; Node 21+ has one without gpu). */
async function shareGpu(): Promise<void> {
  const gpu = await getGpu();
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  if (g.navigator!.gpu !== gpu) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
}

/** Loads tfjs and initialises the backends asked for; a failure becomes a note, not an exception. */
export async function loadTfjs(want: { webgpu: boolean; wasm: boolean }): Promise<TfjsSetup> {
  const notes: string[] = [];
  await shareGpu();
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-core/dist/register_all_gradients');
  let webgpu = false;
  let wasm = false;
  let wasmFlavour = '';
  let counters: TfjsCounters | null = null;
  if (want.webgpu) {
    try {
      await import('@tensorflow/tfjs-backend-webgpu');
      webgpu = await tf.setBackend('webgpu');
      if (webgpu) counters = countTfjsWebGpu(tf.backend());
      else notes.push('tfjs webgpu: the backend did not initialise');
    } catch (err) {
      notes.push(`tfjs webgpu: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (want.wasm) {
    try {
      const wasmModule = await import('@tensorflow/tfjs-backend-wasm');
      // The .wasm files are read from node_modules: a directory prefix ending in a separator.
      const root = path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'));
      wasmModule.setWasmPaths(path.join(root, 'dist') + path.sep);
      wasm = await tf.setBackend('wasm');
      if (wasm) {
        const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
        const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
        wasmFlavour = `${simd ? 'SIMD' : 'no SIMD'}, ${threads ? 'threads' : 'one thread'}`;
      } else notes.push('tfjs wasm: the backend did not initialise');
    } catch (err) {
      notes.push(`tfjs wasm: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  // Leave WebGPU as the default backend: cases pick theirs explicitly.
  if (webgpu) await tf.setBackend('webgpu');
  return { tf, webgpu, wasm, wasmFlavour, counters, notes, version: tf.version_core };
}

/**
 * `tf.variable` of `values` with the initial tensor freed: tfjs keeps that tensor alive beside the
 * variable otherwise, which the benchmark's leak check would report.
 */
export function tfVariable(tf: Tf, values: ArrayLike<number> | number, shape: number[], name?: string, trainable = true): import('@tensorflow/tfjs-core').Variable {
  const init = tf.tensor(typeof values === 'number' ? [values] : Array.isArray(values) ? values : Float32Array.from(values), shape);
  try {
    return tf.variable(init, trainable, name);
  } finally {
    init.dispose();
  }
}
