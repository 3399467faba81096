// Seeded normal numbers: out[i] = mean + stddev * z with z = normal01(seed, i, k) (Box-Muller,
// shaders/common/random.wgsl). Truncated (u.truncated = 1): attempts k = 0, 1, ... until |z| <= 2,
// as TensorFlow's truncatedNormal redraws; after MAX_ATTEMPTS (failure odds 0.0455^16 ~ 1e-21)
// z is clamped so the bound always holds.
// Layout: out is a flat array of u.n values.
// Bindings and dispatch: shaders/creation/common/element_grid.wgsl (one invocation per element).
//!include creation/common/element_grid.wgsl
//!include common/random.wgsl

struct Params {
  n: u32,
  seed: u32,
  mean: f32,
  stddev: f32,
  truncated: u32,
}

const MAX_ATTEMPTS: u32 = 16u;

fn element(i: u32) -> f32 {
  var z = normal01(u.seed, i, 0u);
  if (u.truncated == 1u) {
    for (var k = 1u; k < MAX_ATTEMPTS && abs(z) > 2.0; k++) {
      z = normal01(u.seed, i, k);
    }
    z = clamp(z, -2.0, 2.0);
  }
  return u.mean + u.stddev * z;
}
