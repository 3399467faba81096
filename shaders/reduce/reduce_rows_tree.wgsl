// Reduction over the middle axis for GPUs: out[r, p, i] = reduce over c in chunk p of x[r, c, i],
// the kernels, layouts, bindings, uniforms and generated prelude of reduce_rows.wgsl (step capture
// and lazy plans embed this file's text as they embed that one's: src/backend/webgpu/graph/
// codegen.ts; so it includes only what shaders/common/fused.wgsl carries).
// A workgroup of WG_I x WG_C invocations computes WG_I consecutive slots (r, p, i): invocation
// (s, c) walks the chunk of slot s from column c in steps of WG_C, and the WG_C sums of a slot
// are combined in workgroup memory as a tree (log2 WG_C barriers). Rows (inner = 1): WG_I = 1,
// a wide workgroup per row. Columns (inner > 1): WG_I neighbouring slots read neighbouring
// elements (coalesced), and WG_C lanes split the long reduced axis that one invocation per slot
// (reduce_rows.wgsl's serial mode, lavapipe's choice) would walk alone.
// Dispatch: ceil(slots / WG_I) workgroups on a 2-D grid (z: the jobs of step capture).
//!include common/indexing.wgsl
//!include common/unary_ops.wgsl

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

// Slots per workgroup; invocations per slot (a power of two).
override WG_I: u32 = 1u;
override WG_C: u32 = 256u;
override LANES: u32 = WG_I * WG_C;
var<workgroup> sums: array<f32, LANES>;

// Combines x[r, c, i] over c = begin + first, + step, ... < end for slot (r, p, i) (as in
// reduce_rows.wgsl; generated kernels carry a reduction's own text only, so each has its copy).
fn reduce_strided(slot: u32, first: u32, step: u32) -> f32 {
  let i = slot % u.inner;
  let rp = slot / u.inner;
  let row = rp / u.parts;
  let chunk = (u.cols + u.parts - 1u) / u.parts;
  let begin = (rp % u.parts) * chunk;
  let end = min(begin + chunk, u.cols);
  var acc = reduce_identity();
  for (var c = begin + first; c < end; c += step) {
    acc = reduce_combine(acc, load_x((row * u.cols + c) * u.inner + i));
  }
  return acc;
}

@compute @workgroup_size(WG_I, WG_C)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  begin_job(wid.z);
  let slots = u.rows * u.parts * u.inner;
  let slot = (wid.x + wid.y * nwg.x) * WG_I + lid.x;
  // Every invocation reaches every barrier: no early return.
  var acc = reduce_identity();
  if (slot < slots) { acc = reduce_strided(slot, lid.y, WG_C); }
  let at = lid.y * WG_I + lid.x;
  sums[at] = acc;
  for (var half = WG_C / 2u; half > 0u; half /= 2u) {
    workgroupBarrier();
    if (lid.y < half) { sums[at] = reduce_combine(sums[at], sums[at + half * WG_I]); }
  }
  if (lid.y == 0u && slot < slots) { store_out(slot, sums[at]); }
}
