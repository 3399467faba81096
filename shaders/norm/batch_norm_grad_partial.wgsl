// First pass of the batch-norm backward sums: for each chunk of rows and each channel,
// sum(dy) and sum(dy * xhat) with xhat = (x - mean[c]) * inverseSqrt(variance[c] + epsilon).
// Same geometry as batch_norm_stats_partial (x and dy viewed as [rows, channels]).
// Layout: x, dy row-major [rows, channels]; mean, variance [channels]; partial row-major
// [chunks, 2, channels] (sum dy, sum dy * xhat).
// Bindings: 0 x, 1 dy, 2 mean, 3 variance (read), 4 partial (write), 5 uniforms.
// Dispatch: shaders/norm/common/chunk_partial.wgsl.
//!include norm/common/chunk_partial.wgsl

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
@group(0) @binding(3) var<storage, read> variance: array<f32>;
@group(0) @binding(4) var<storage, read_write> partial: array<f32>;
@group(0) @binding(5) var<uniform> u: Params;

var<workgroup> s_dy: array<f32, TC * TR>;
var<workgroup> s_dy_xc: array<f32, TC * TR>;

// Called by the entry point of chunk_partial.wgsl for channel c and rows [start, end) of the chunk.
fn partial_chunk(c: u32, chunk: u32, start: u32, end: u32, lid: vec3u) {
  var sum_dy = 0.0;
  // sum(dy * (x - mean)): invstd is applied once at the end.
  var sum_dy_xc = 0.0;
  var invstd = 0.0;
  if (c < u.channels) {
    let m = mean[c];
    invstd = inverseSqrt(variance[c] + u.epsilon);
    for (var r = start + lid.y; r < end; r += TR) {
      let i = r * u.channels + c;
      sum_dy += dy[i];
      sum_dy_xc += dy[i] * (x[i] - m);
    }
  }
  let slot = lid.y * TC + lid.x;
  s_dy[slot] = sum_dy;
  s_dy_xc[slot] = sum_dy_xc;
  workgroupBarrier();
  for (var half = TR / 2u; half > 0u; half = half / 2u) {
    if (lid.y < half) {
      s_dy[slot] += s_dy[slot + half * TC];
      s_dy_xc[slot] += s_dy_xc[slot + half * TC];
    }
    workgroupBarrier();
  }
  if (lid.y == 0u && c < u.channels) {
    partial[(chunk * 2u) * u.channels + c] = s_dy[lid.x];
    partial[(chunk * 2u + 1u) * u.channels + c] = s_dy_xc[lid.x] * invstd;
  }
}
