// Shared by the row kernels of shaders/softmax (placed before each as its prelude by
// src/backend/webgpu/kernels/nn.ts): all-reduce of one value per invocation across a workgroup
// of WG invocations (WG, a power of two, is the shader's override constant). Every invocation
// must call these (they contain barriers) and every one gets the result.

struct RowParams {
  rows: u32,
  cols: u32,
}

var<workgroup> wg_scratch: array<f32, WG>;

fn workgroup_max(v: f32, lid: u32) -> f32 {
  wg_scratch[lid] = v;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) {
      wg_scratch[lid] = max(wg_scratch[lid], wg_scratch[lid + stride]);
    }
    workgroupBarrier();
  }
  let result = wg_scratch[0];
  // Nobody may overwrite the scratch for the next reduction before everyone has read it.
  workgroupBarrier();
  return result;
}

fn workgroup_sum(v: f32, lid: u32) -> f32 {
  wg_scratch[lid] = v;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) {
      wg_scratch[lid] = wg_scratch[lid] + wg_scratch[lid + stride];
    }
    workgroupBarrier();
  }
  let result = wg_scratch[0];
  workgroupBarrier();
  return result;
}
