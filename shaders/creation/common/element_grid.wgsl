// The frame of the creation kernels (shaders/creation): each writes u.n values from its uniforms
// alone, out[i] = element(i). The kernel defines its `struct Params` (with n: u32) and
// `fn element(i: u32) -> f32`; the bindings and the entry point are here.
// Bindings: 0 out (write, a flat array of u.n values), 1 uniforms.
// Dispatch: ceil(n / WG) workgroups on a 2-D grid; one invocation writes one element.
//!include common/indexing.wgsl

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<uniform> u: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WG);
  if (i >= u.n) { return; }
  out[i] = element(i);
}
