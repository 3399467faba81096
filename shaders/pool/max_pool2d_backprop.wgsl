// Gradient of max pooling, gather form (no atomics): dx[b, h, w, c] = sum of dy over the windows
// covering (h, w) whose argmax (window_argmax: first largest in row-major order) is (h, w).
// Bindings: 0 x (read, the pooled input), 1 dy (read, [batch, out_h, out_w, channels]),
// 2 dx (write, x's shape), 3 uniforms.
// Dispatch: shaders/pool/common/per_element.wgsl (one invocation per input element, which rescans
// the at most ceil(pool/stride)^2 windows covering it).
//!include pool/common/per_element.wgsl
//!include pool/common/pool_argmax.wgsl

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> u: Pool2dParams;

const POOL_OUTPUT = false;

// Called by the entry point of per_element.wgsl for input element i = (b, ih, iw, c).
fn pool_element(p: Pool2dParams, i: u32, b: u32, ih: u32, iw: u32, c: u32) {
  let cover = pool_covering(p, ih, iw);
  var acc = 0.0;
  for (var oh = cover.x; oh <= cover.y; oh++) {
    for (var ow = cover.z; ow <= cover.w; ow++) {
      if (window_argmax(p, b, u32(oh), u32(ow), c) == i) {
        acc += dy[pool_output_index(p, b, u32(oh), u32(ow), c)];
      }
    }
  }
  dx[i] = acc;
}
