import { createEngine, type Engine, type NestedArray, type Tensor } from '../src/index.js';
import { expect, type Tolerance } from './expect.js';

// One engine of each kind for the whole page: requesting a WebGPU device is the slow part. Kernel
// autotuning is off: the tests run the heuristic variants, or the ones they force.
let gpu: Promise<Engine> | undefined;
let cpu: Promise<Engine> | undefined;

/** The WebGPU engine on navigator.gpu (SwiftShader in headless Chromium here). */
export function gpuEngine(): Promise<Engine> {
  return (gpu ??= createEngine({ backend: 'webgpu', autotune: 'off' }));
}

/**
 * Runs `fn` on a WebGPU engine of its own, destroyed afterwards. Tests that count live tensors use
 * it: on the shared engine, tensors another test leaked (a failing one, say) can be collected by
 * the FinalizationRegistry safety net at any moment and shift the count.
 */
export async function withOwnGpuEngine<T>(fn: (e: Engine) => Promise<T>): Promise<T> {
  const e = await createEngine({ backend: 'webgpu', autotune: 'off' });
  try {
    return await fn(e);
  } finally {
    e.destroy();
  }
}

/** The CPU reference engine, which runs in the browser too. */
export function cpuEngine(): Promise<Engine> {
  return (cpu ??= createEngine({ backend: 'cpu' }));
}

/**
 * Builds the same computation on the WebGPU engine and on the CPU reference and checks that the
 * results agree in shape and values. Everything `build` makes is disposed afterwards.
 */
export async function expectSameAsCpu(build: (e: Engine) => Tensor, tolerance?: Tolerance): Promise<void> {
  const [onGpu, onCpu] = await Promise.all([evaluate(await gpuEngine(), build), evaluate(await cpuEngine(), build)]);
  expect(onGpu.shape).toEqual(onCpu.shape);
  expect(onGpu.values).toAllClose(onCpu.values, tolerance);
}

/** Runs `build` in a tidy scope, reads the result back and disposes it. */
export async function evaluate(e: Engine, build: (e: Engine) => Tensor): Promise<{ shape: readonly number[]; values: Float32Array }> {
  const t = e.tidy(() => build(e));
  try {
    return { shape: t.shape, values: await t.data() };
  } finally {
    t.dispose();
  }
}

/** Reads a tensor's values and disposes it. */
export async function take(t: Tensor): Promise<Float32Array> {
  try {
    return await t.data();
  } finally {
    t.dispose();
  }
}

/** Reads a tensor as nested arrays and disposes it. */
export async function takeArray(t: Tensor): Promise<NestedArray> {
  try {
    return await t.array();
  } finally {
    t.dispose();
  }
}
