// Strided pad: out[o] = x[i] where o_d = begin[d] + i_d * step[d] for every d, pad_value elsewhere.
// Serves pad (step 1) and the gradient of (strided) slicing: dy lands on the sliced positions,
// zeros elsewhere. Gather-style (each output element looks for its source), so no atomics and no
// pre-zeroed output are needed. step may be negative (reversed slices); it is never 0.
// Layout: x is row-major of shape in_shape, out row-major of shape out_shape (both rank dims).
// Bindings: 0 x (read), 1 out (write), 2 uniforms.
// Dispatch: ceil(n / 4 / WG) workgroups on a 2-D grid; one invocation writes four consecutive
// output elements. When the innermost axis holds whole fours, the four share a row: the outer
// dimensions' divisions (run once per lane on software Vulkan) are done once for the four, and
// only the innermost coordinate is matched per element (on lavapipe about 3x faster than one
// element per invocation; docs/lavapipe.md).
//!include common/indexing.wgsl

struct Params {
  out_shape: array<vec4u, 2>,
  in_shape: array<vec4u, 2>,
  begin: array<vec4i, 2>,
  step: array<vec4i, 2>,
  pad_value: f32,
  rank: u32,
  n: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

override WG: u32 = 256u;

// Where output coordinate c of dimension d comes from in x: its index along d, or -1 when c is
// padding (not begin + i·step for an i inside x).
fn source_index(c: u32, d: u32) -> i32 {
  let delta = i32(c) - dim8i(u.begin, d);
  let step_d = dim8i(u.step, d);
  let id = delta / step_d;
  if ((delta % step_d != 0) | (id < 0) | (id >= i32(dim8(u.in_shape, d)))) { return -1; }
  return id;
}

// Row-major index in x of the output element whose coordinates along dimensions 0..=top are
// those of `rem` (the row-major index over them), times `stride` (x's stride of dimension top);
// -1 when any of them is padding.
fn source_of(rem0: u32, top: i32, stride0: u32) -> i32 {
  var rem = rem0;
  var src = 0u;
  var stride = stride0;
  for (var d = top; d >= 0; d--) {
    let size = dim8(u.out_shape, u32(d));
    let id = source_index(rem % size, u32(d));
    if (id < 0) { return -1; }
    src += u32(id) * stride;
    stride *= dim8(u.in_shape, u32(d));
    rem = rem / size;
  }
  return i32(src);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o0 = 4u * linear_index(gid, nwg, WG);
  if (o0 >= u.n) { return; }
  let last = max(u.rank, 1u) - 1u;
  let size = dim8(u.out_shape, last);
  // Uniform: the four share an innermost row, or each finds its own source.
  let same_row = fours_share_row(u.out_shape, u.rank);
  // The row's source over the outer dimensions (x's stride of the innermost one is 1).
  let row = source_of(o0 / size, i32(last) - 1, dim8(u.in_shape, last));
  for (var o = o0; o < min(o0 + 4u, u.n); o++) {
    var src = -1;
    if (same_row) {
      let id = source_index(o % size, last);
      if ((row >= 0) & (id >= 0)) { src = row + id; }
    } else {
      src = source_of(o, i32(u.rank) - 1, 1u);
    }
    if (src >= 0) {
      out[o] = x[u32(src)];
    } else {
      out[o] = u.pad_value;
    }
  }
}
