// Strided view copy: out[o] = x[in_offset + sum_d o_d * in_strides[d]] for o over out_shape.
// Serves transpose, slice, strided slice (negative strides reverse) and broadcastTo (stride 0).
// Layout: out is row-major of shape out_shape (rank dims); x is any layout the strides describe.
// Bindings: 0 x (read), 1 out (write), 2 uniforms.
// Dispatch: ceil(n / WG) workgroups on a 2-D grid; one invocation copies one element.

struct Params {
  out_shape: array<vec4u, 2>,
  in_strides: array<vec4i, 2>,
  in_offset: i32,
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
  var src = u.in_offset;
  for (var d = i32(u.rank) - 1; d >= 0; d--) {
    let size = dim8(u.out_shape, u32(d));
    src += i32(rem % size) * dim8i(u.in_strides, u32(d));
    rem = rem / size;
  }
  out[o] = x[u32(src)];
}
