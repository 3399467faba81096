// Arithmetic ramp (range, linspace): out[i] = u.start + i * u.step, and out[n - 1] = u.last, the end
// point computed in double precision on the CPU side (linspace must end exactly on its stop).
// Layout: out is a flat array of u.n values.
// Bindings: 0 out (write), 1 uniforms.
// Dispatch: ceil(n / WG) workgroups on a 2-D grid; one invocation writes one element.

struct Params {
  n: u32,
  start: f32,
  step: f32,
  last: f32,
}

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<uniform> u: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WG);
  if (i >= u.n) { return; }
  out[i] = select(u.start + f32(i) * u.step, u.last, i == u.n - 1u);
}
