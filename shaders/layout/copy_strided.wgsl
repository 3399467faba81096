// Strided view copy: out[o] = x[in_offset + sum_d o_d * in_strides[d]] for o over out_shape.
// Serves transpose, slice, strided slice (negative strides reverse) and broadcastTo (stride 0).
// Layout: out is row-major of shape out_shape (rank dims); x is any layout the strides describe.
// Bindings: 0 x (read), 1 out (write), 2 uniforms.
// Dispatch: ceil(n / 4 / WG) workgroups on a 2-D grid; one invocation copies four consecutive
// elements. When the innermost axis holds whole fours, the four share a row: one element's
// source is found by the per-dimension divisions (run once per lane on software Vulkan) and the
// others follow by the innermost stride (on lavapipe a large transpose ran in about 60% of the
// time of one element per invocation; docs/lavapipe.md).
//!include common/indexing.wgsl

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

// x's index of output element o.
fn source_of(o: u32) -> i32 {
  var rem = o;
  var src = u.in_offset;
  for (var d = i32(u.rank) - 1; d >= 0; d--) {
    let size = dim8(u.out_shape, u32(d));
    src += i32(rem % size) * dim8i(u.in_strides, u32(d));
    rem = rem / size;
  }
  return src;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o0 = 4u * linear_index(gid, nwg, WG);
  if (o0 >= u.n) { return; }
  let last = max(u.rank, 1u) - 1u;
  // Uniform: the four share an innermost row, or each finds its own source.
  let same_row = fours_share_row(u.out_shape, u.rank);
  let first = source_of(o0);
  for (var o = o0; o < min(o0 + 4u, u.n); o++) {
    var src = first + i32(o - o0) * dim8i(u.in_strides, last);
    if (!same_row) { src = source_of(o); }
    out[o] = x[u32(src)];
  }
}
