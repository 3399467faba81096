// Strided scatter: out[out_offset + sum_d i_d * out_strides[d]] = x[i] for i over in_shape; other
// elements of out are left as they are. Concat writes each input's block with one dispatch; the
// blocks together cover the output, so it needs no zero fill.
// Layout: x is row-major of shape in_shape (rank dims); out is any layout the strides describe.
// Bindings: 0 x (read), 1 out (read_write, partially written), 2 uniforms.
// Dispatch: ceil(n / WG) workgroups on a 2-D grid; one invocation moves one input element.
//!include common/indexing.wgsl

struct Params {
  in_shape: array<vec4u, 2>,
  out_strides: array<vec4i, 2>,
  out_offset: i32,
  rank: u32,
  n: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WG);
  if (i >= u.n) { return; }
  var rem = i;
  var dst = u.out_offset;
  for (var d = i32(u.rank) - 1; d >= 0; d--) {
    let size = dim8(u.in_shape, u32(d));
    dst += i32(rem % size) * dim8i(u.out_strides, u32(d));
    rem = rem / size;
  }
  out[u32(dst)] = x[i];
}
