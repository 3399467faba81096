// Elementwise binary map with numpy broadcasting: out[o] = binary_op(a[ia], b[ib]) for every
// kernel of src/kernels/binary.ts. binary_op is the generated prelude calling op_<kernel id>
// from shaders/common/binary_ops.wgsl.
// Layout: out is row-major of shape out_shape (rank dims, already collapsed on the CPU side);
// a and b are read through strides, 0 on broadcast dimensions.
// Bindings: 0 a (read), 1 b (read), 2 out (write), 3 uniforms.
// Dispatch: ceil(n / WG) workgroups on a 2-D grid; one invocation computes one element.

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

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
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
