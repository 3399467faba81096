// Batched matrix product for small outputs: c[bt] = op(a[bt]) @ op(b[bt]), same layouts,
// bindings and uniforms as shaders/matmul/matmul.wgsl (Params of common/matmul_params.wgsl;
// tiles_m unused). One invocation computes one element of c, walking k alone: no workgroup
// memory and no barriers. src/backend/webgpu/dispatch/matmul.ts picks it when c has at most 4096
// elements in all and k is at most 256 (the vector spread's 20x20 Gram product and its
// gradient), where a 64 x 32 tile of matmul.wgsl would leave most of its invocations idle and
// still pay its barriers (on lavapipe this one costs about what an empty dispatch does).
// Dispatch: ceil(batch·m·n / WG) workgroups on a 2-D grid.
//!include common/indexing.wgsl
//!include matmul/common/matmul_params.wgsl

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

override WG: u32 = 64u;
override TRANS_A: bool = false;
override TRANS_B: bool = false;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let at = linear_index(gid, nwg, WG);
  if (at >= u.batch * u.m * u.n) { return; }
  let col = at % u.n;
  let row = (at / u.n) % u.m;
  let bt = at / (u.m * u.n);
  // Element (row, kk) of op(a) and (kk, col) of op(b) are a_at + kk·a_step and b_at + kk·b_step.
  var a_at = bt * u.a_batch_stride + row * u.k;
  var a_step = 1u;
  if (TRANS_A) {
    a_at = bt * u.a_batch_stride + row;
    a_step = u.m;
  }
  var b_at = bt * u.b_batch_stride + col;
  var b_step = u.n;
  if (TRANS_B) {
    b_at = bt * u.b_batch_stride + col * u.k;
    b_step = 1u;
  }
  var acc = 0.0;
  for (var kk = 0u; kk < u.k; kk++) {
    acc = fma(a[a_at + kk * a_step], b[b_at + kk * b_step], acc);
  }
  c[at] = acc;
}
