/**
 * TensorFlow.js in the benchmark page: tfjs-core 4.22 with its WebGPU backend on the browser's own
 * navigator.gpu (its own device from the same adapter as ours), counters wrapped as in Node
 * (bench/tfjs/counters.ts). The WASM backend is not loaded in the page: its files would have to be
 * served beside it, and the kernel cases compare with WebGPU.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-webgpu';
import { countTfjsWebGpu } from '../../bench/tfjs/counters.js';
import type { Tf, TfjsSetup } from '../../bench/tfjs/load.js';

/** Initialises tfjs's WebGPU backend; a failure becomes a note, not an exception. */
export async function loadTfjsInPage(): Promise<TfjsSetup> {
  const notes: string[] = ['tfjs wasm: not loaded in the browser page'];
  let webgpu = false;
  let counters = null;
  try {
    webgpu = await tf.setBackend('webgpu');
    if (webgpu) counters = countTfjsWebGpu(tf.backend());
    else notes.push('tfjs webgpu: the backend did not initialise');
  } catch (err) {
    notes.push(`tfjs webgpu: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { tf: tf as unknown as Tf, webgpu, wasm: false, wasmFlavour: '', counters, notes, version: tf.version_core };
}
