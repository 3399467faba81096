// Second pass of the batch statistics: combines the chunks of batch_norm_stats_partial into each
// channel's mean and population variance (M2 / rows, as Keras and tf.nn.moments), by Chan's
// parallel formula. Chunk k holds min(rows_per_chunk, rows - k * rows_per_chunk) rows.
// Layout: partial row-major [chunks, 2, channels] (mean, M2); mean and variance are [channels].
// Bindings: 0 partial (read), 1 mean (write), 2 variance (write), 3 uniforms.
// Dispatch: shaders/norm/common/chunk_finalize.wgsl.
//!include norm/common/chunk_finalize.wgsl

@group(0) @binding(0) var<storage, read> partial: array<f32>;
@group(0) @binding(1) var<storage, read_write> mean: array<f32>;
@group(0) @binding(2) var<storage, read_write> variance: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

var<workgroup> s_count: array<f32, WG>;
var<workgroup> s_mean: array<f32, WG>;
var<workgroup> s_m2: array<f32, WG>;

// Chan's combination of (na, ma, m2a) with (nb, mb, m2b); returns (n, mean, M2).
fn combine(a: vec3f, b: vec3f) -> vec3f {
  if (b.x == 0.0) { return a; }
  let n = a.x + b.x;
  let d = b.y - a.y;
  return vec3f(n, a.y + d * (b.x / n), a.z + b.z + d * d * (a.x * b.x / n));
}

// Called by the entry point of chunk_finalize.wgsl for channel c.
fn finalize_channel(c: u32, lid: u32) {
  var acc = vec3f(0.0);
  if (c < u.channels) {
    for (var k = lid; k < u.chunks; k += WG) {
      let n = f32(min(u.rows_per_chunk, u.rows - k * u.rows_per_chunk));
      acc = combine(acc, vec3f(n, partial[(k * 2u) * u.channels + c], partial[(k * 2u + 1u) * u.channels + c]));
    }
  }
  s_count[lid] = acc.x;
  s_mean[lid] = acc.y;
  s_m2[lid] = acc.z;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half = half / 2u) {
    if (lid < half) {
      let r = combine(vec3f(s_count[lid], s_mean[lid], s_m2[lid]), vec3f(s_count[lid + half], s_mean[lid + half], s_m2[lid + half]));
      s_count[lid] = r.x;
      s_mean[lid] = r.y;
      s_m2[lid] = r.z;
    }
    workgroupBarrier();
  }
  if (lid == 0u && c < u.channels) {
    mean[c] = s_mean[0];
    variance[c] = s_m2[0] / f32(u.rows);
  }
}
