// Counter-based random numbers: a hash of (seed, index), so element i is the same on the GPU and
// in the CPU twin (src/backend/cpu/creation.ts) and independent of the dispatch layout.

// PCG-style integer hash (the RXS-M-XS output of one PCG step).
fn pcg_hash(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

// Uniform in [0, 1) with 24 random bits, from (seed, index, stream).
fn uniform01(seed: u32, i: u32, stream: u32) -> f32 {
  let h = pcg_hash(pcg_hash(pcg_hash(seed) ^ i) ^ stream);
  return f32(h >> 8u) * (1.0 / 16777216.0);
}
