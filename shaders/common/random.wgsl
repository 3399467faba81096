// Counter-based random numbers: a hash of (seed, index, stream), so element i is the same on the
// GPU and in the CPU twin (src/backend/cpu/creation.ts) and independent of the dispatch layout.
// The CPU twin restates every formula here with Math.imul / Math.fround; change both together.

// PCG-style integer hash (the RXS-M-XS output of one PCG step).
fn pcg_hash(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

// 32 random bits from (seed, index, stream): chained hashes, so neighbouring seeds and indices
// give unrelated values.
fn random_u32(seed: u32, i: u32, stream: u32) -> u32 {
  return pcg_hash(pcg_hash(pcg_hash(seed) ^ i) ^ stream);
}

// Uniform in [0, 1) with 24 random bits: exact in f32, so the CPU twin gets the same bits.
fn uniform01(seed: u32, i: u32, stream: u32) -> f32 {
  return f32(random_u32(seed, i, stream) >> 8u) * (1.0 / 16777216.0);
}

const RANDOM_TWO_PI: f32 = 6.283185307179586;

// Standard normal number for attempt k of element i: Box-Muller (cosine branch) on streams 2k and
// 2k + 1. 1 - u1 lies in (0, 1], so the log is finite; the largest |z| is sqrt(48 ln 2) = 5.77.
// The angle is centred on 0 because WGSL's cos is most accurate on [-pi, pi]. log and cos are
// the device's: the CPU twin agrees to a few ulps, not to the bit.
fn normal01(seed: u32, i: u32, k: u32) -> f32 {
  let u1 = uniform01(seed, i, 2u * k);
  let u2 = uniform01(seed, i, 2u * k + 1u);
  let r = sqrt(-2.0 * log(1.0 - u1));
  return r * cos(RANDOM_TWO_PI * (u2 - 0.5));
}
