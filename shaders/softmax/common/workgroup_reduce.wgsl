// All-reduce of one value per invocation across a workgroup of WG invocations (WG, a power of
// two, is the including kernel's override constant), for the row kernels of shaders/softmax.
// Every invocation must call these (they contain barriers) and every one gets the result. The
// first invocation combines the WG values in order rather than all of them as a tree: two
// barriers instead of 2 + log2(WG), and on software Vulkan (lavapipe), which runs the
// workgroup's SIMD rows one after the other, a branch taken by one invocation runs for one row
// only.
//!include common/binary_ops.wgsl

var<workgroup> wg_scratch: array<f32, WG>;
var<workgroup> wg_result: f32;

fn workgroup_max(v: f32, lid: u32) -> f32 {
  wg_scratch[lid] = v;
  workgroupBarrier();
  if (lid == 0u) {
    var r = wg_scratch[0];
    for (var j = 1u; j < WG; j++) { r = op_maximum(r, wg_scratch[j]); }
    wg_result = r;
  }
  workgroupBarrier();
  // The next call's first barrier keeps wg_result until everyone has read it.
  return wg_result;
}

fn workgroup_sum(v: f32, lid: u32) -> f32 {
  wg_scratch[lid] = v;
  workgroupBarrier();
  if (lid == 0u) {
    var r = wg_scratch[0];
    for (var j = 1u; j < WG; j++) { r = r + wg_scratch[j]; }
    wg_result = r;
  }
  workgroupBarrier();
  // The next call's first barrier keeps wg_result until everyone has read it.
  return wg_result;
}
