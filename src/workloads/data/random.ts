/**
 * Seeded random numbers for the workloads' synthetic data and initial values, computed in
 * JavaScript so that the CPU and WebGPU engines start from the same numbers.
 */

/** Uniform numbers in [0, 1) from a 32-bit seed (mulberry32: small, fast, well mixed). */
export function uniformGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal numbers from a 32-bit seed (Box–Muller over `uniformGenerator`). */
export function normalGenerator(seed: number): () => number {
  const uniform = uniformGenerator(seed);
  return () => {
    // 1 - u lies in (0, 1], so the logarithm stays finite.
    const u = 1 - uniform();
    const v = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}
