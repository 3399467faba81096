// Tile: out[o] = x[i] with i_d = o_d mod in_shape[d] (out_shape[d] = reps[d] * in_shape[d]).
// Layout: x row-major of shape in_shape, out row-major of shape out_shape (both rank dims).
// Bindings: 0 x (read), 1 out (write), 2 uniforms.
// Dispatch: ceil(n / WG) workgroups on a 2-D grid; one invocation writes one output element.
//!include common/indexing.wgsl

struct Params {
  out_shape: array<vec4u, 2>,
  in_shape: array<vec4u, 2>,
  rank: u32,
  n: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = linear_index(gid, nwg, WG);
  if (o >= u.n) { return; }
  var rem = o;
  var src = 0u;
  var stride = 1u;
  for (var d = i32(u.rank) - 1; d >= 0; d--) {
    let size = dim8(u.out_shape, u32(d));
    let in_size = dim8(u.in_shape, u32(d));
    src += (rem % size) % in_size * stride;
    rem = rem / size;
    stride *= in_size;
  }
  out[o] = x[src];
}
