// Vector-matrix product (m = 1) for GPUs: the partial sums of shaders/matmul/matvec.wgsl (same
// layouts, bindings and uniforms: Params of common/matvec_params.wgsl), with a workgroup of
// WG_X x WG_Y invocations sharing each column's chunk of k so that reads are coalesced:
// B [k, n]: x runs along the columns j (consecutive lanes read consecutive elements of a row of
//   B) and the WG_Y rows of lanes split the chunk of k between them;
// TRANS_B (B [n, k]): x runs along k (consecutive lanes read consecutive elements of a row of
//   B) and each of the WG_Y rows of lanes owns one column j.
// The lanes' sums for one column are then added in workgroup memory (a tree: log2 steps).
// Dispatch: x = ceil(n / WG_X) (TRANS_B: ceil(n / WG_Y)), y = splits, z = batch.
// Why not on lavapipe: there every lane's read is a scalar load anyway and the barriers of the
// tree cost more than the coalescing gains (matvec.wgsl and matvec_vec4.wgsl run there).
//!include matmul/common/matvec_params.wgsl

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> part: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

// Powers of two.
override WG_X: u32 = 64u;
override WG_Y: u32 = 4u;
override TRANS_B: bool = false;
override LANES: u32 = WG_X * WG_Y;

var<workgroup> sums: array<f32, LANES>;

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) li: u32) {
  let s = wid.y;
  let batch = wid.z;
  let a_base = batch * u.a_batch_stride;
  let b_base = batch * u.b_batch_stride;
  let begin = s * u.chunk;
  let end = min(begin + u.chunk, u.k);
  // The column this lane sums for, where along the chunk it starts, how far it steps, and how
  // many lanes share its column (spaced `apart` in local_invocation_index).
  var j: u32;
  var first: u32;
  var step: u32;
  var sharers: u32;
  var apart: u32;
  if (TRANS_B) {
    j = wid.x * WG_Y + lid.y;
    first = lid.x;
    step = WG_X;
    sharers = WG_X;
    apart = 1u;
  } else {
    j = wid.x * WG_X + lid.x;
    first = lid.y;
    step = WG_Y;
    sharers = WG_Y;
    apart = WG_X;
  }
  var acc = 0.0;
  if (j < u.n) {
    for (var kk = begin + first; kk < end; kk += step) {
      var bv: f32;
      if (TRANS_B) { bv = b[b_base + j * u.k + kk]; } else { bv = b[b_base + kk * u.n + j]; }
      acc = fma(a[a_base + kk], bv, acc);
    }
  }
  sums[li] = acc;
  // Tree over the sharers: the lane `first` = 0 of each column ends with its sum.
  for (var half = sharers / 2u; half > 0u; half /= 2u) {
    workgroupBarrier();
    if (first < half) { sums[li] = sums[li] + sums[li + half * apart]; }
  }
  if (first == 0u && j < u.n) { part[(batch * u.splits + s) * u.n + j] = sums[li]; }
}
