// First pass of the batch statistics: for each chunk of rows and each channel, the chunk's mean
// and M2 (sum of squared deviations from that mean). x is viewed as [rows, channels] (rows =
// N*H*W, often large; channels often small), so a plain per-channel loop would leave the GPU idle:
// the rows are split into `chunks` chunks of rows_per_chunk rows, one workgroup per (column tile,
// chunk). Welford's update per invocation, Chan's combination across the workgroup: stable where
// sum(x^2) - sum(x)^2 / n would cancel.
// Layout: x row-major [rows, channels]; partial row-major [chunks, 2, channels] (mean, M2).
// Bindings: 0 x (read), 1 partial (write), 2 uniforms.
// Dispatch: shaders/norm/common/chunk_partial.wgsl.
//!include norm/common/chunk_partial.wgsl

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> partial: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

var<workgroup> s_count: array<f32, TC * TR>;
var<workgroup> s_mean: array<f32, TC * TR>;
var<workgroup> s_m2: array<f32, TC * TR>;

// Called by the entry point of chunk_partial.wgsl for channel c and rows [start, end) of the chunk.
fn partial_chunk(c: u32, chunk: u32, start: u32, end: u32, lid: vec3u) {
  var count = 0.0;
  var mean = 0.0;
  var m2 = 0.0;
  if (c < u.channels) {
    for (var r = start + lid.y; r < end; r += TR) {
      let v = x[r * u.channels + c];
      count += 1.0;
      let d = v - mean;
      mean += d / count;
      m2 += d * (v - mean);
    }
  }
  let slot = lid.y * TC + lid.x;
  s_count[slot] = count;
  s_mean[slot] = mean;
  s_m2[slot] = m2;
  workgroupBarrier();
  for (var half = TR / 2u; half > 0u; half = half / 2u) {
    if (lid.y < half) {
      let other = slot + half * TC;
      let nb = s_count[other];
      if (nb > 0.0) {
        let na = s_count[slot];
        let n = na + nb;
        let d = s_mean[other] - s_mean[slot];
        s_mean[slot] += d * (nb / n);
        s_m2[slot] += s_m2[other] + d * d * (na * nb / n);
        s_count[slot] = n;
      }
    }
    workgroupBarrier();
  }
  if (lid.y == 0u && c < u.channels) {
    partial[(chunk * 2u) * u.channels + c] = s_mean[lid.x];
    partial[(chunk * 2u + 1u) * u.channels + c] = s_m2[lid.x];
  }
}
