// Seeded uniform numbers. Floats (u.integer = 0): out[i] = low + (high - low) * uniform01(seed, i, 0).
// Integers (u.integer = 1, int32 tensors): out[i] = low + random_u32(seed, i, 0) mod (high - low),
// in integer arithmetic so that every device and the CPU twin agree to the bit (a float
// low + span * u may be contracted to a fused multiply-add on some devices and round differently).
// The modulo bias is span / 2^32, negligible for the spans an int32-as-f32 tensor can hold.
// Element i depends only on (seed, i): see shaders/common/random.wgsl.
// Layout: out is a flat array of u.n values.
// Bindings and dispatch: shaders/creation/common/element_grid.wgsl (one invocation per element).
//!include creation/common/element_grid.wgsl
//!include common/random.wgsl

struct Params {
  n: u32,
  seed: u32,
  low: f32,
  high: f32,
  integer: u32,
}

fn element(i: u32) -> f32 {
  if (u.integer == 1u) {
    let span = u32(u.high - u.low);
    return u.low + f32(random_u32(u.seed, i, 0u) % span);
  }
  return u.low + (u.high - u.low) * uniform01(u.seed, i, 0u);
}
