// Reduction over the middle axis: out[r, p, i] = reduce over c in chunk p of x[r, c, i], for the
// kernels reduce_sum/max/min/prod. reduce_identity(), reduce_combine(acc, v), load_x(i) (reads
// x[i]), store_out(i, v) (writes out[i]) and begin_job(job) (nothing) are the generated prelude
// (src/backend/webgpu/dispatch/reduce.ts); step capture replaces the last three to compute the
// input with a fused elementwise prologue and to batch reductions (src/backend/webgpu/graph/codegen.ts).
// Layout: x is row-major [rows, cols, inner] (inner = 1: rows of a matrix); the reduced axis
// (cols) is split into `parts` chunks of ceil(cols / parts) (parts = 1: all of it); out is
// [rows, parts, inner]. A slot is one output element (r, p, i).
// Bindings: 0 x (read), 1 out (write), 2 uniforms.
// Dispatch, SERIAL = false (inner = 1, long chunks): one workgroup per slot on a 2-D grid; WG
// invocations stride over the chunk, then the first combines their partials from workgroup memory.
// Dispatch, SERIAL = true (short chunks, or inner > 1): one invocation per slot walks its chunk
// alone (2-D grid of ceil(slots / WG) workgroups); neighbouring invocations read neighbouring
// elements when inner > 1, so reducing a leading axis needs no transpose.
//!include common/indexing.wgsl
//!include common/unary_ops.wgsl

struct Params {
  rows: u32,
  cols: u32,
  inner: u32,
  parts: u32,
  // Step capture runs several reductions of one shape in one dispatch (workgroup z = job): each
  // job's addresses start at jobs[job_base + job * job_stride] (src/backend/webgpu/graph/codegen.ts).
  job_base: u32,
  job_stride: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

override WG: u32 = 64u;
override SERIAL: bool = false;
var<workgroup> partial: array<f32, WG>;

// Combines x[r, c, i] over c = begin + first, + step, ... < end for slot (r, p, i).
fn reduce_chunk(slot: u32, first: u32, step: u32) -> f32 {
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

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  begin_job(wid.z);
  let slots = u.rows * u.parts * u.inner;
  if (SERIAL) {
    let slot = linear_index(gid, nwg, WG);
    if (slot < slots) { store_out(slot, reduce_chunk(slot, 0u, 1u)); }
    return;
  }
  let slot = wid.x + wid.y * nwg.x;
  // All invocations of the workgroup reach the barriers, so no early return here.
  var acc = reduce_identity();
  if (slot < slots) { acc = reduce_chunk(slot, lid, WG); }
  partial[lid] = acc;
  // One barrier, then the first invocation combines the WG partials in order. A tree costs
  // log2(WG) barriers and rounds of reads; on software Vulkan (lavapipe), which runs the
  // workgroup's SIMD rows one after the other, a branch taken by one invocation runs for one row
  // only, so this is about twice as fast there (reductions of 1M values, 1024 rows of 1024).
  workgroupBarrier();
  if (lid == 0u && slot < slots) {
    var total = partial[0];
    for (var j = 1u; j < WG; j++) { total = reduce_combine(total, partial[j]); }
    store_out(slot, total);
  }
}
