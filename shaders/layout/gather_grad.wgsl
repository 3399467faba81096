// Gradient of gather: dx[oo, r, ii] = sum over j with idx[j] == r of dy[oo, j, ii].
// Deterministic scatter-add without atomics: each output element loops over all n_idx indices in
// order (indices normalised as in gather.wgsl), so repeated indices sum in a fixed order.
// Layout: dy is [outer, n_idx, inner], dx is [outer, axis_len, inner], idx n_idx integers as f32.
// Bindings: 0 dy (read), 1 idx (read), 2 dx (write), 3 uniforms.
// Dispatch: ceil(n / WG) workgroups on a 2-D grid (n = outer * axis_len * inner); one invocation
// sums one dx element.
//!include common/indexing.wgsl

struct Params {
  outer: u32,
  axis_len: u32,
  inner: u32,
  n_idx: u32,
  n: u32,
}

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> idx: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = linear_index(gid, nwg, WG);
  if (o >= u.n) { return; }
  let ii = o % u.inner;
  let r = i32((o / u.inner) % u.axis_len);
  let oo = o / (u.inner * u.axis_len);
  var acc = 0.0;
  for (var j = 0u; j < u.n_idx; j++) {
    var k = i32(round(idx[j]));
    if (k < 0) { k += i32(u.axis_len); }
    if (k == r) {
      acc += dy[(oo * u.n_idx + j) * u.inner + ii];
    }
  }
  dx[o] = acc;
}
