import type { CpuArray, CpuKernels } from './kernel_table.js';
import type {
  CreationKernels,
  EyeParams,
  FillParams,
  IotaParams,
  RandomNormalParams,
  RandomUniformParams,
} from '../../kernel_ids/creation.js';

const f32 = Math.fround;

// ---- shaders/common/random.wgsl, restated: u32 arithmetic is Math.imul and >>> 0 -------------

/** PCG-style integer hash (RXS-M-XS output of one PCG step), as `pcg_hash` in the WGSL. */
export function pcgHash(v: number): number {
  const state = (Math.imul(v, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** `random_u32(seed, i, stream)`. */
export function randomU32(seed: number, i: number, stream: number): number {
  return pcgHash((pcgHash((pcgHash(seed) ^ i) >>> 0) ^ stream) >>> 0);
}

/** `uniform01`: 24 random bits over 2^24, exact in float32. */
export function uniform01(seed: number, i: number, stream: number): number {
  return (randomU32(seed, i, stream) >>> 8) / 16777216;
}

const TWO_PI = f32(6.283185307179586);

/**
 * `normal01`: Box-Muller in float32. Math.log and Math.cos are correctly rounded doubles, the
 * GPU's are float32 approximations, so the two agree to a few ulps (not to the bit).
 */
export function normal01(seed: number, i: number, k: number): number {
  const u1 = uniform01(seed, i, 2 * k);
  const u2 = uniform01(seed, i, 2 * k + 1);
  const r = f32(Math.sqrt(f32(-2 * f32(Math.log(f32(1 - u1))))));
  return f32(r * f32(Math.cos(f32(TWO_PI * f32(u2 - 0.5)))));
}

/** As in shaders/creation/random_normal.wgsl. */
const MAX_ATTEMPTS = 16;

/** CPU twins of the creation kernels (float32 rounding where the WGSL computes in f32). */
export const creationCpuKernels: CpuKernels<CreationKernels> = {
  fill: (_inputs: CpuArray[], [out]: CpuArray[], p: FillParams) => {
    out!.fill(p.value, 0, p.n);
  },
  iota: (_inputs: CpuArray[], [out]: CpuArray[], p: IotaParams) => {
    const start = f32(p.start);
    const step = f32(p.step);
    for (let i = 0; i < p.n; i++) out![i] = i === p.n - 1 ? f32(p.last) : f32(start + f32(f32(i) * step));
  },
  eye: (_inputs: CpuArray[], [out]: CpuArray[], p: EyeParams) => {
    for (let i = 0; i < p.n; i++) {
      const col = i % p.cols;
      const row = Math.floor(i / p.cols) % p.rows;
      out![i] = row === col ? 1 : 0;
    }
  },
  random_uniform: (_inputs: CpuArray[], [out]: CpuArray[], p: RandomUniformParams) => {
    const low = f32(p.low);
    const high = f32(p.high);
    if (p.integer === 1) {
      const span = (high - low) >>> 0;
      for (let i = 0; i < p.n; i++) out![i] = f32(low + (randomU32(p.seed, i, 0) % span));
      return;
    }
    const span = f32(high - low);
    for (let i = 0; i < p.n; i++) out![i] = f32(low + f32(span * uniform01(p.seed, i, 0)));
  },
  random_normal: (_inputs: CpuArray[], [out]: CpuArray[], p: RandomNormalParams) => {
    const mean = f32(p.mean);
    const stddev = f32(p.stddev);
    for (let i = 0; i < p.n; i++) {
      let z = normal01(p.seed, i, 0);
      if (p.truncated === 1) {
        for (let k = 1; k < MAX_ATTEMPTS && Math.abs(z) > 2; k++) z = normal01(p.seed, i, k);
        z = Math.min(Math.max(z, -2), 2);
      }
      out![i] = f32(mean + f32(stddev * z));
    }
  },
};
