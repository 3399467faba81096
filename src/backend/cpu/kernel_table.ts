import type { KernelParamsMap } from '../../kernel_ids/registry.js';

/** CPU buffers: float32 normally, float64 for gradient checks. */
export type CpuArray = Float32Array | Float64Array;

/** A CPU twin: reads `inputs`, writes `outputs` (pre-allocated, zero-filled on allocation). */
export type CpuKernel<P> = (inputs: CpuArray[], outputs: CpuArray[], params: P) => void;

/** A family's CPU twins, typed against its kernel ids. */
export type CpuKernels<Family> = { [K in keyof Family]: CpuKernel<Family[K]> };

/** Every kernel's CPU twin: a missing one is a compile error. */
export type CpuKernelTable = CpuKernels<KernelParamsMap>;

/** Coordinates of flat index `i` in a row-major shape (the same arithmetic as the WGSL helpers). */
export function unravel(i: number, shape: readonly number[], out: number[]): number[] {
  let rem = i;
  for (let d = shape.length - 1; d >= 0; d--) {
    const s = shape[d]!;
    out[d] = rem % s;
    rem = Math.floor(rem / s);
  }
  return out;
}
