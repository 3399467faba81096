// Vector-matrix product (m = 1) with B stored [n, k] (TRANS_B), summed with subgroup operations:
// the partial sums of shaders/matmul/matvec.wgsl (same layouts, bindings and uniforms: Params of
// common/matvec_params.wgsl; only the TRANS_B case, which src/backend/webgpu/dispatch/matmul.ts
// checks, with the `subgroups` feature and subgroups of 4 to WG invocations).
// A workgroup of WG lanes computes ROWS columns j0.. = rows of B: the lanes walk the chunk of k
// together (consecutive lanes, consecutive elements of each row: coalesced), each lane summing
// ROWS products per a element it reads; subgroupAdd then sums each subgroup's lanes, and the
// first ROWS lanes add the subgroups' sums from workgroup memory (one barrier).
// Dispatch: x = ceil(n / ROWS), y = splits, z = batch.
//!include matmul/common/matvec_params.wgsl
//!include matmul/common/subgroup_lanes.wgsl
enable subgroups;

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> part: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

override WG: u32 = 64u;
// Columns per workgroup: at most 4.
override ROWS: u32 = 4u;
// One slot per subgroup (at most WG / 4 of them) and column.
override SLOTS: u32 = WG / 4u * ROWS;

var<workgroup> sums: array<f32, SLOTS>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(subgroup_invocation_id) sid: u32, @builtin(subgroup_size) sg_size: u32) {
  let lane = dense_lane(sid, sg_size);
  let s = wid.y;
  let batch = wid.z;
  let a_base = batch * u.a_batch_stride;
  let b_base = batch * u.b_batch_stride;
  let begin = s * u.chunk;
  let end = min(begin + u.chunk, u.k);
  let j0 = wid.x * ROWS;
  var rows: array<u32, 4>;
  for (var r = 0u; r < ROWS; r++) { rows[r] = b_base + min(j0 + r, u.n - 1u) * u.k; }
  var acc: array<f32, 4>;
  for (var kk = begin + lane; kk < end; kk += WG) {
    let av = a[a_base + kk];
    for (var r = 0u; r < ROWS; r++) { acc[r] = fma(av, b[rows[r] + kk], acc[r]); }
  }
  let group = lane / sg_size;
  for (var r = 0u; r < ROWS; r++) {
    let total = subgroupAdd(acc[r]);
    if (sid == 0u) { sums[group * ROWS + r] = total; }
  }
  workgroupBarrier();
  if (lane < ROWS && j0 + lane < u.n) {
    var total = 0.0;
    for (var g = 0u; g < WG / sg_size; g++) { total += sums[g * ROWS + lane]; }
    part[(batch * u.splits + s) * u.n + j0 + lane] = total;
  }
}
