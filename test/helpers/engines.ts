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
 * (set by `npm test`) a missing adapter is an error instead of a skip.
 */
export function gpuEngine(): Promise<Engine | null> {
  return (gpu ??= createEngine({ backend: 'webgpu' }).catch((err: unknown) => {
    if (process.env.WEBGPU_REQUIRED === '1') throw err;
    console.warn(`WebGPU tests skipped: ${String(err)}`);
    return null;
  }));
}

/** Name and factory of each backend, for describe.each. */
export const backends: [string, () => Promise<Engine | null>][] = [
  ['cpu', cpuEngine],
  ['webgpu', gpuEngine],
];
