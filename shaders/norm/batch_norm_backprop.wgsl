// Input gradient of training-mode batch normalisation (batch statistics), the fused formula
//   dx = gamma[c] * invstd / M * (M * dy - sum_dy[c] - xhat * sum_dy_xhat[c])
// with M = rows (elements per channel), invstd = inverseSqrt(variance[c] + epsilon) and
// xhat = (x - mean[c]) * invstd; the sums come from batch_norm_grad_finalize.
// Layout: x, dy, dx row-major with channels innermost (n elements); mean, variance, sum_dy,
// sum_dy_xhat are [channels]; gamma is [channels] (stride 1) or one value (stride 0).
// Bindings: 0 x, 1 dy, 2 mean, 3 variance, 4 gamma, 5 sum_dy, 6 sum_dy_xhat (read), 7 dx (write),
// 8 uniforms.
// Dispatch: ceil(n / 4 / WG) workgroups on a 2-D grid; one invocation per four consecutive
// elements (as shaders/norm/batch_norm.wgsl).
//!include common/indexing.wgsl

struct Params {
  n: u32,
  rows: u32,
  channels: u32,
  epsilon: f32,
  gamma_stride: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
@group(0) @binding(3) var<storage, read> variance: array<f32>;
@group(0) @binding(4) var<storage, read> gamma: array<f32>;
@group(0) @binding(5) var<storage, read> sum_dy: array<f32>;
@group(0) @binding(6) var<storage, read> sum_dy_xhat: array<f32>;
@group(0) @binding(7) var<storage, read_write> dx: array<f32>;
@group(0) @binding(8) var<uniform> u: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i0 = 4u * linear_index(gid, nwg, WG);
  let inv_m = 1.0 / f32(u.rows);
  var c = i0 % u.channels;
  for (var i = i0; i < min(i0 + 4u, u.n); i++) {
    let invstd = inverseSqrt(variance[c] + u.epsilon);
    let xhat = (x[i] - mean[c]) * invstd;
    dx[i] = gamma[c * u.gamma_stride] * invstd * (dy[i] - sum_dy[c] * inv_m - xhat * (sum_dy_xhat[c] * inv_m));
    // The next element's channel (they follow on along the innermost axis).
    c = select(c + 1u, 0u, c + 1u == u.channels);
  }
}
