// Seeded uniform numbers: out[i] = low + (high - low) * uniform01(seed, i, 0), rounded down when
// u.integer is 1 (int32 tensors). Element i depends only on (seed, i): see shaders/common/random.wgsl.
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
  let v = u.low + (u.high - u.low) * uniform01(u.seed, i, 0u);
  out[i] = select(v, floor(v), u.integer == 1u);
}
