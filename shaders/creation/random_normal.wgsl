// Seeded normal numbers: out[i] = mean + stddev * z with z = normal01(seed, i, k) (Box-Muller,
// shaders/common/random.wgsl). Truncated (u.truncated = 1): attempts k = 0, 1, ... until |z| <= 2,
// as TensorFlow's truncatedNormal redraws; after MAX_ATTEMPTS (failure odds 0.0455^16 ~ 1e-21)
// z is clamped so the bound always holds.
// Layout: out is a flat array of u.n values.
// Bindings: 0 out (write), 1 uniforms.
// Dispatch: ceil(n / WG) workgroups on a 2-D grid; one invocation writes one element.

struct Params {
  n: u32,
  seed: u32,
  mean: f32,
  stddev: f32,
  truncated: u32,
}

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<uniform> u: Params;

override WG: u32 = 256u;
const MAX_ATTEMPTS: u32 = 16u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WG);
  if (i >= u.n) { return; }
  var z = normal01(u.seed, i, 0u);
  if (u.truncated == 1u) {
    for (var k = 1u; k < MAX_ATTEMPTS && abs(z) > 2.0; k++) {
      z = normal01(u.seed, i, k);
    }
    z = clamp(z, -2.0, 2.0);
  }
  out[i] = u.mean + u.stddev * z;
}
