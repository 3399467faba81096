// Second pass of the batch-norm backward sums: adds the chunks of batch_norm_grad_partial. The
// results are dbeta = sum(dy) and dgamma = sum(dy * xhat) per channel, and feed
// batch_norm_backprop.
// Layout: partial row-major [chunks, 2, channels]; sum_dy and sum_dy_xhat are [channels].
// Bindings: 0 partial (read), 1 sum_dy (write), 2 sum_dy_xhat (write), 3 uniforms.
// Dispatch: shaders/norm/common/chunk_finalize.wgsl.
//!include norm/common/chunk_finalize.wgsl

@group(0) @binding(0) var<storage, read> partial: array<f32>;
@group(0) @binding(1) var<storage, read_write> sum_dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> sum_dy_xhat: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

var<workgroup> s_dy: array<f32, WG>;
var<workgroup> s_dy_xhat: array<f32, WG>;

// Called by the entry point of chunk_finalize.wgsl for channel c.
fn finalize_channel(c: u32, lid: u32) {
  var a = 0.0;
  var b = 0.0;
  if (c < u.channels) {
    for (var k = lid; k < u.chunks; k += WG) {
      a += partial[(k * 2u) * u.channels + c];
      b += partial[(k * 2u + 1u) * u.channels + c];
    }
  }
  s_dy[lid] = a;
  s_dy_xhat[lid] = b;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half = half / 2u) {
    if (lid < half) {
      s_dy[lid] += s_dy[lid + half];
      s_dy_xhat[lid] += s_dy_xhat[lid + half];
    }
    workgroupBarrier();
  }
  if (lid == 0u && c < u.channels) {
    sum_dy[c] = s_dy[0];
    sum_dy_xhat[c] = s_dy_xhat[0];
  }
}
