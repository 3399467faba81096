// where(cond, a, b) with numpy broadcasting of all three: out[o] = cond != 0 ? a : b (NaN counts
// as nonzero: op_where in shaders/common/binary_ops.wgsl).
// Layout and dispatch as shaders/elementwise/binary.wgsl, with a third stride list.
// Bindings: 0 cond (read), 1 a (read), 2 b (read), 3 out (write), 4 uniforms.
//!include common/indexing.wgsl
//!include common/binary_ops.wgsl

struct Params {
  out_shape: array<vec4u, 2>,
  cond_strides: array<vec4u, 2>,
  a_strides: array<vec4u, 2>,
  b_strides: array<vec4u, 2>,
  rank: u32,
  n: u32,
}

@group(0) @binding(0) var<storage, read> cond: array<f32>;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> u: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = linear_index(gid, nwg, WG);
  if (o >= u.n) { return; }
  var rem = o;
  var ic = 0u;
  var ia = 0u;
  var ib = 0u;
  for (var d = i32(u.rank) - 1; d >= 0; d--) {
    let size = dim8(u.out_shape, u32(d));
    let c = rem % size;
    rem = rem / size;
    ic += c * dim8(u.cond_strides, u32(d));
    ia += c * dim8(u.a_strides, u32(d));
    ib += c * dim8(u.b_strides, u32(d));
  }
  out[o] = op_where(cond[ic], a[ia], b[ib]);
}
