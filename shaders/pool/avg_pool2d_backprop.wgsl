// Gradient of average pooling, gather form (no atomics): dx[b, h, w, c] = sum over the windows
// covering (h, w) of dy[window] / (the window's number of valid elements).
// Bindings: 0 dy (read, [batch, out_h, out_w, channels]), 1 dx (write, [batch, in_h, in_w,
// channels]), 2 uniforms.
// Dispatch: shaders/pool/common/per_element.wgsl (one invocation per input element).
//!include pool/common/per_element.wgsl

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read_write> dx: array<f32>;
@group(0) @binding(2) var<uniform> u: Pool2dParams;

const POOL_OUTPUT = false;

// Called by the entry point of per_element.wgsl for input element i = (b, ih, iw, c).
fn pool_element(p: Pool2dParams, i: u32, b: u32, ih: u32, iw: u32, c: u32) {
  let cover = pool_covering(p, ih, iw);
  var acc = 0.0;
  for (var oh = cover.x; oh <= cover.y; oh++) {
    for (var ow = cover.z; ow <= cover.w; ow++) {
      let win = pool_window(p, u32(oh), u32(ow));
      let count = (win.y - win.x) * (win.w - win.z);
      acc += dy[pool_output_index(p, b, u32(oh), u32(ow), c)] / f32(count);
    }
  }
  dx[i] = acc;
}
