// The frame of the pooling kernels that compute one element per invocation: one of the output
// (max_pool2d, avg_pool2d, max_pool2d_select) or, for the gather-form gradients
// (max_pool2d_backprop, avg_pool2d_backprop: no atomics), one of the input. The kernel declares
// `const POOL_OUTPUT: bool` (which of the two), its bindings (the uniform struct last, as
// `u: Pool2dParams`) and `fn pool_element(p: Pool2dParams, i: u32, b: u32, h: u32, w: u32, c: u32)`,
// which the entry point calls for element i at (b, h, w, c) of that NHWC tensor.
// Dispatch: ceil(n / WG) workgroups on a 2-D grid, n = batch * rows * cols * channels of that
// tensor (consecutive invocations take consecutive channels).
//!include pool/common/pool_window.wgsl
//!include common/indexing.wgsl

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = u;
  let i = linear_index(gid, nwg, WG);
  let rows = select(p.in_h, p.out_h, POOL_OUTPUT);
  let cols = select(p.in_w, p.out_w, POOL_OUTPUT);
  if (i >= p.batch * rows * cols * p.channels) { return; }
  let c = i % p.channels;
  let w = (i / p.channels) % cols;
  let h = (i / (p.channels * cols)) % rows;
  let b = i / (p.channels * cols * rows);
  pool_element(p, i, b, h, w, c);
}
