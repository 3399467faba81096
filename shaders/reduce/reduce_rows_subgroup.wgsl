// Row reduction with subgroup operations: out[r, p] = reduce over c in chunk p of x[r, c], the
// kernels, layouts, bindings, uniforms and generated prelude of reduce_rows.wgsl for inner = 1
// (src/backend/webgpu/dispatch/reduce.ts checks; step capture and lazy plans embed this file's
// text as they embed that one's, so it includes only what shaders/common/fused.wgsl carries).
// Needs the `subgroups` feature with subgroups of 4 to WG invocations.
// One workgroup per slot (r, p) on a 2-D grid (z: the jobs of step capture): lane L walks the
// chunk from column L in steps of WG; each subgroup combines its lanes with a butterfly of
// subgroupShuffleXor (reduce_combine at every step, so NaN propagates as in reduce_rows.wgsl),
// and the first lane combines the subgroups' results from workgroup memory after one barrier.
// Lanes are numbered as matmul/common/subgroup_lanes.wgsl numbers them (repeated here: generated
// kernels carry a reduction's own text only): the result does not depend on how the device
// groups invocations into subgroups.
//!include common/indexing.wgsl
//!include common/unary_ops.wgsl
enable subgroups;

struct Params {
  rows: u32,
  cols: u32,
  inner: u32,
  parts: u32,
  job_base: u32,
  job_stride: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

override WG: u32 = 256u;
// One result per subgroup: at most WG / 4.
override GROUPS: u32 = WG / 4u;
var<workgroup> subgroup_sums: array<f32, GROUPS>;
var<workgroup> subgroups_seen: atomic<u32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(subgroup_invocation_id) sid: u32, @builtin(subgroup_size) sg_size: u32) {
  begin_job(wid.z);
  var first = 0u;
  if (subgroupElect()) { first = atomicAdd(&subgroups_seen, 1u); }
  let group = subgroupBroadcastFirst(first);
  let lane = group * sg_size + sid;
  let slots = u.rows * u.parts;
  let slot = wid.x + wid.y * nwg.x;
  let chunk = (u.cols + u.parts - 1u) / u.parts;
  let begin = (slot % u.parts) * chunk;
  let end = min(begin + chunk, u.cols);
  let row = slot / u.parts;
  var acc = reduce_identity();
  if (slot < slots) {
    for (var c = begin + lane; c < end; c += WG) { acc = reduce_combine(acc, load_x(row * u.cols + c)); }
  }
  for (var offset = sg_size / 2u; offset > 0u; offset /= 2u) { acc = reduce_combine(acc, subgroupShuffleXor(acc, offset)); }
  if (sid == 0u) { subgroup_sums[group] = acc; }
  workgroupBarrier();
  if (lane == 0u && slot < slots) {
    var total = subgroup_sums[0];
    for (var g = 1u; g < WG / sg_size; g++) { total = reduce_combine(total, subgroup_sums[g]); }
    store_out(slot, total);
  }
}
