// Vector-matrix product (m = 1) reading B as vec4s: the partial sums of shaders/matmul/matvec.wgsl
// (same layouts, bindings and uniforms; B bound as vec4s), for B whose rows are whole vec4s along
// the direction read. src/backend/webgpu/dispatch/matmul.ts picks it when n (B [k, n]) or k and
// the chunk (TRANS_B: B [n, k]) are multiples of 4, with B's batch offset.
// B [k, n]: an invocation owns the vec4s of columns j, j + R, j + 2R, j + 3R (R = ceil(n / 16))
// and reads four vec4s of B per k, sharing one read of a.
// TRANS_B: an invocation owns columns j, j + R, j + 2R and j + 3R (R = ceil(n / 4)) and reads
// those rows of B four k at a time, dotted with the same four elements of a (read once for all
// four rows).
// Why: software Vulkan runs invocations as SIMD lanes and reads storage lane by lane (see
// shaders/matmul/matmul_vec4.wgsl), so what counts is reads per multiply-add: each a element,
// at the same address in every lane (one cache line; a cache broadcast on a GPU), feeds four B
// vec4s: four multiply-adds per B read instead of one.
// Dispatch: x = ceil(columns / WG) (columns = ceil(n / 16), or ceil(n / 4) with TRANS_B),
// y = splits, z = batch.
//!include matmul/common/matvec_params.wgsl

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> part: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

override WG: u32 = 64u;
override TRANS_B: bool = false;

// Partial sums of the vec4 of columns j4 at `out` (the partial row's start).
fn store4(out: u32, j4: u32, v: vec4f) {
  part[out + 4u * j4] = v.x;
  part[out + 4u * j4 + 1u] = v.y;
  part[out + 4u * j4 + 2u] = v.z;
  part[out + 4u * j4 + 3u] = v.w;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let j = gid.x;
  let s = gid.y;
  let batch = gid.z;
  let a_base = batch * u.a_batch_stride;
  let b_base = batch * (u.b_batch_stride / 4u);
  let begin = s * u.chunk;
  let end = min(begin + u.chunk, u.k);
  let out = (batch * u.splits + s) * u.n;
  if (TRANS_B) {
    // Rows j, j + R, j + 2R, j + 3R (R = n / 4 rounded up): four rows share each read of a.
    let rows = (u.n + 3u) / 4u;
    if (j >= rows) { return; }
    let j1 = min(j + rows, u.n - 1u);
    let j2 = min(j + 2u * rows, u.n - 1u);
    let j3 = min(j + 3u * rows, u.n - 1u);
    // k and the chunk are multiples of 4: whole vec4s of each row.
    let k4 = u.k / 4u;
    var acc = vec4f(0.0);
    for (var kk = begin; kk < end; kk += 4u) {
      let av = vec4f(a[a_base + kk], a[a_base + kk + 1u], a[a_base + kk + 2u], a[a_base + kk + 3u]);
      let q = kk / 4u;
      acc += vec4f(dot(av, b[b_base + j * k4 + q]), dot(av, b[b_base + j1 * k4 + q]), dot(av, b[b_base + j2 * k4 + q]), dot(av, b[b_base + j3 * k4 + q]));
    }
    part[out + j] = acc.x;
    if (j + rows < u.n) { part[out + j + rows] = acc.y; }
    if (j + 2u * rows < u.n) { part[out + j + 2u * rows] = acc.z; }
    if (j + 3u * rows < u.n) { part[out + j + 3u * rows] = acc.w; }
    return;
  }
  // vec4 columns j, j + R, j + 2R, j + 3R (R = n / 16 rounded up): four share each read of a.
  let n4 = u.n / 4u;
  let groups = (n4 + 3u) / 4u;
  if (j >= groups) { return; }
  let j1 = min(j + groups, n4 - 1u);
  let j2 = min(j + 2u * groups, n4 - 1u);
  let j3 = min(j + 3u * groups, n4 - 1u);
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  for (var kk = begin; kk < end; kk++) {
    let av = vec4f(a[a_base + kk]);
    let row = b_base + kk * n4;
    acc0 = fma(av, b[row + j], acc0);
    acc1 = fma(av, b[row + j1], acc1);
    acc2 = fma(av, b[row + j2], acc2);
    acc3 = fma(av, b[row + j3], acc3);
  }
  store4(out, j, acc0);
  if (j + groups < n4) { store4(out, j + groups, acc1); }
  if (j + 2u * groups < n4) { store4(out, j + 2u * groups, acc2); }
  if (j + 3u * groups < n4) { store4(out, j + 3u * groups, acc3); }
}
