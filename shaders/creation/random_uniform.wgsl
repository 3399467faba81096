// Seeded uniform numbers. Floats (u.integer = 0): out[i] = low + (high - low) * uniform01(seed, i, 0).
// Integers (u.integer = 1, int32 tensors): out[i] = low + random_u32(seed, i, 0) mod (high - low),
// in integer arithmetic so that every device and the CPU twin agree to the bit (a float
// low + span * u may be contracted to a fused multiply-add on some devices and round differently).
// The modulo bias is span / 2^32, negligible for the spans an int32-as-f32 tensor can hold.
// Element i depends only on (seed, i): see shaders/common/random.wgsl.
// Layout: out is a flat array of u.n values.
// Bindings: 0 out (write), 1 uniforms.
// Dispatch: ceil(n / WG) workgroups on a 2-D grid; one invocation writes one element.

struct Params {
  n: u32,
  seed: u32,
  low: f32,
  high: f32,
  integer: u32,
}

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<uniform> u: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WG);
  if (i >= u.n) { return; }
  if (u.integer == 1u) {
    let span = u32(u.high - u.low);
    out[i] = u.low + f32(random_u32(u.seed, i, 0u) % span);
    return;
  }
  out[i] = u.low + (u.high - u.low) * uniform01(u.seed, i, 0u);
}
