// Elementwise unary map: y[i] = unary_op(x[i], u.alpha, u.beta) for every kernel of
// src/kernel_ids/unary.ts. unary_op is the generated prelude calling op_<kernel id> from
// shaders/common/unary_ops.wgsl.
// Layout: x and y are flat arrays of u.n values.
// Bindings: 0 x (read), 1 y (write), 2 uniforms.
// Dispatch: ceil(n / 4 / WG) workgroups on a 2-D grid; one invocation computes four elements
// (on lavapipe each invocation's memory accesses cost about the same for one element as for
// four, so four per invocation ran in less than half the time; docs/lavapipe.md).
//!include common/indexing.wgsl
//!include common/unary_ops.wgsl

struct Params {
  n: u32,
  alpha: f32,
  beta: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i0 = 4u * linear_index(gid, nwg, WG);
  for (var k = 0u; k < 4u; k++) {
    let i = i0 + k;
    if (i < u.n) { y[i] = unary_op(x[i], u.alpha, u.beta); }
  }
}
