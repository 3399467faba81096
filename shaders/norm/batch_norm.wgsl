// Batch normalisation with given statistics (inference, and the training forward once the batch
// statistics are known): y = (x - mean[c]) * inverseSqrt(variance[c] + epsilon) * scale[c] + offset[c]
// where c is the index along x's last axis.
// Layout: x and y are row-major with channels innermost (n elements); each per-channel input is
// a [channels] vector read with stride 1, or a single value read with stride 0.
// Bindings: 0 x, 1 mean, 2 variance, 3 scale, 4 offset (read), 5 y (write), 6 uniforms.
// Dispatch: ceil(n / 4 / WG) workgroups on a 2-D grid; one invocation per four consecutive
// elements (their channels follow on, so one division finds them all; see
// shaders/elementwise/unary.wgsl for why four per invocation on lavapipe).
//!include common/indexing.wgsl

struct Params {
  n: u32,
  channels: u32,
  epsilon: f32,
  mean_stride: u32,
  variance_stride: u32,
  scale_stride: u32,
  offset_stride: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> mean: array<f32>;
@group(0) @binding(2) var<storage, read> variance: array<f32>;
@group(0) @binding(3) var<storage, read> scale: array<f32>;
@group(0) @binding(4) var<storage, read> offset: array<f32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;
@group(0) @binding(6) var<uniform> u: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i0 = 4u * linear_index(gid, nwg, WG);
  var c = i0 % u.channels;
  for (var i = i0; i < min(i0 + 4u, u.n); i++) {
    let invstd = inverseSqrt(variance[c * u.variance_stride] + u.epsilon);
    y[i] = (x[i] - mean[c * u.mean_stride]) * invstd * scale[c * u.scale_stride] + offset[c * u.offset_stride];
    // The next element's channel (they follow on along the innermost axis).
    c = select(c + 1u, 0u, c + 1u == u.channels);
  }
}
