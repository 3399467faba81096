// Second pass of a two-pass argmax / argmin: out[r, i] = the candidate c = cand[r, p, i] whose
// value x[r, c, i] wins over the parts p, the smaller index at ties.
// arg_better(v, best) is the generated prelude: true when v beats the current best strictly.
// Layout: x is row-major [rows, cols, inner]; cand is [rows, parts, inner], indices along cols
// stored as f32 (from arg_reduce_rows.wgsl with the same parts); out is [rows, inner].
// Bindings: 0 x (read), 1 cand (read), 2 out (write), 3 uniforms.
// Dispatch: ceil(rows * inner / WG) workgroups on a 2-D grid; one invocation per output element
// walks its parts (at most a few thousand: the first pass chose them).
//!include common/indexing.wgsl
//!include common/binary_ops.wgsl

struct Params {
  rows: u32,
  cols: u32,
  inner: u32,
  parts: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> cand: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = linear_index(gid, nwg, WG);
  if (o >= u.rows * u.inner) { return; }
  let row = o / u.inner;
  let i = o % u.inner;
  var bi = u32(cand[row * u.parts * u.inner + i]);
  var bv = x[(row * u.cols + bi) * u.inner + i];
  for (var p = 1u; p < u.parts; p++) {
    let c = u32(cand[(row * u.parts + p) * u.inner + i]);
    let v = x[(row * u.cols + c) * u.inner + i];
    if (arg_better(v, bv) || (f32_same(v, bv) && c < bi)) {
      bi = c;
      bv = v;
    }
  }
  out[o] = f32(bi);
}
