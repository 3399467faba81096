import { TestRunner } from 'vitest';
import { createEngine, type Engine } from '../../src/index.js';

/**
 * Engines shared by the tests of one file. The WebGPU engine is created once per process: Dawn
 * keeps one GPU object alive for the whole process anyway, and creating devices is slow.
 */
let gpu: Promise<Engine | null> | undefined;
let cpu32: Promise<Engine> | undefined;
let cpu64: Promise<Engine> | undefined;

/** The float32 CPU reference. */
export function cpuEngine(): Promise<Engine> {
  return (cpu32 ??= createEngine({ backend: 'cpu' }));
}

/** The float64 CPU reference, for finite-difference gradient checks. */
export function cpu64Engine(): Promise<Engine> {
  return (cpu64 ??= createEngine({ backend: 'cpu', cpuPrecision: 'float64' }));
}

/**
 * The WebGPU engine (lavapipe here), or null where no adapter exists. With WEBGPU_REQUIRED=1
 * (set by `npm test`) a missing adapter is an error instead. For code that works on either
 * backend; a test that needs the GPU calls `gpuEngine()` and is skipped without one.
 */
export function gpuEngineOrNull(): Promise<Engine | null> {
  return (gpu ??= createEngine({ backend: 'webgpu' }).catch((err: unknown) => {
    if (process.env.WEBGPU_REQUIRED === '1') throw err;
    return null;
  }));
}

/** Whether a WebGPU engine exists: for `describe.skipIf(!(await hasWebGpu()))` around tests that set up in hooks. */
export async function hasWebGpu(): Promise<boolean> {
  return (await gpuEngineOrNull()) !== null;
}

/**
 * The WebGPU engine. Where no adapter exists the running test stops here and reports itself
 * skipped (it never passes having checked nothing); with WEBGPU_REQUIRED=1 it fails instead.
 * Outside a test (a hook, a describe body) use `hasWebGpu()` with `describe.skipIf`.
 */
export async function gpuEngine(): Promise<Engine> {
  const e = await gpuEngineOrNull();
  if (e) return e;
  return skipTest('no WebGPU adapter (set WEBGPU_REQUIRED=1 to make this a failure)');
}

/**
 * Marks the running test skipped, with `why` as the reporter's note, and stops it: the test
 * context's `skip()`, reached from helpers that are not handed the context.
 */
export function skipTest(why: string): never {
  const test = TestRunner.getCurrentTest();
  if (!test) throw new Error(`skipTest called outside a running test: ${why}`);
  return test.context.skip(why);
}

/** Name and factory of each backend, for describe.each; the WebGPU one skips the test without an adapter. */
export const backends: [string, () => Promise<Engine>][] = [
  ['cpu', cpuEngine],
  ['webgpu', gpuEngine],
];
