// Gather along one axis: x viewed as [outer, axis_len, inner], idx as a flat list of n_idx
// integers stored as f32; out[oo, j, ii] = x[oo, idx[j], ii]. Negative indices count from the end
// (numpy); indices still outside [0, axis_len) give 0 (they cannot be checked without a readback).
// Bindings: 0 x (read), 1 idx (read), 2 out (write, [outer, n_idx, inner]), 3 uniforms.
// Dispatch: ceil(n / WG) workgroups on a 2-D grid; one invocation writes one output element.
//!include common/indexing.wgsl

struct Params {
  outer: u32,
  axis_len: u32,
  inner: u32,
  n_idx: u32,
  n: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> idx: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = linear_index(gid, nwg, WG);
  if (o >= u.n) { return; }
  let ii = o % u.inner;
  let j = (o / u.inner) % u.n_idx;
  let oo = o / (u.inner * u.n_idx);
  var r = i32(round(idx[j]));
  if (r < 0) { r += i32(u.axis_len); }
  if (r < 0 || u32(r) >= u.axis_len) {
    out[o] = 0.0;
    return;
  }
  out[o] = x[(oo * u.axis_len + u32(r)) * u.inner + ii];
}
