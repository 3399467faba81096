// Elementwise binary map with numpy broadcasting: out[o] = binary_op(a[ia], b[ib]) for every
// kernel of src/kernel_ids/binary.ts. binary_op is the generated prelude calling op_<kernel id>
// from shaders/common/binary_ops.wgsl.
// Layout: out is row-major of shape out_shape (rank dims, already collapsed on the CPU side);
// a and b are read through strides, 0 on broadcast dimensions.
// FLAT: the shapes collapsed to one dimension (same shapes, or one side a single value): a is
// read at o·A_STEP and b at o·B_STEP (steps 0 or 1), with no per-dimension divisions, four
// elements per invocation. On lavapipe the flat form ran several times faster than the strided
// one (the divisions run once per lane; each invocation's memory accesses cost about the same for
// one element as for four; docs/lavapipe.md).
// Bindings: 0 a (read), 1 b (read), 2 out (write), 3 uniforms.
// Dispatch: ceil(n / WG) workgroups on a 2-D grid (ceil(n / 4 / WG) when FLAT); one invocation
// computes one element (four when FLAT).
//!include common/indexing.wgsl
//!include common/binary_ops.wgsl

struct Params {
  out_shape: array<vec4u, 2>,
  a_strides: array<vec4u, 2>,
  b_strides: array<vec4u, 2>,
  rank: u32,
  n: u32,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

override WG: u32 = 256u;
override FLAT: bool = false;
// Pipeline constants, so that a single value's reads are at one address in every lane.
override A_STEP: u32 = 1u;
override B_STEP: u32 = 1u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  if (FLAT) {
    let o0 = 4u * linear_index(gid, nwg, WG);
    for (var k = 0u; k < 4u; k++) {
      let o = o0 + k;
      if (o < u.n) { out[o] = binary_op(a[o * A_STEP], b[o * B_STEP]); }
    }
    return;
  }
  let o = linear_index(gid, nwg, WG);
  if (o >= u.n) { return; }
  var rem = o;
  var ia = 0u;
  var ib = 0u;
  for (var d = i32(u.rank) - 1; d >= 0; d--) {
    let size = dim8(u.out_shape, u32(d));
    let c = rem % size;
    rem = rem / size;
    ia += c * dim8(u.a_strides, u32(d));
    ib += c * dim8(u.b_strides, u32(d));
  }
  out[o] = binary_op(a[ia], b[ib]);
}
