// Average pooling, NHWC: y[b, oh, ow, c] = mean of the valid (non-padding) x of window (oh, ow):
// with 'same' padding the border windows divide by fewer elements, as TensorFlow does.
// Bindings: 0 x (read, [batch, in_h, in_w, channels]), 1 y (write, [batch, out_h, out_w,
// channels]), 2 uniforms.
// Dispatch: shaders/pool/common/per_element.wgsl (one invocation per output element).
//!include pool/common/per_element.wgsl

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> u: Pool2dParams;

const POOL_OUTPUT = true;

// Called by the entry point of per_element.wgsl for output element o = (b, oh, ow, c).
fn pool_element(p: Pool2dParams, o: u32, b: u32, oh: u32, ow: u32, c: u32) {
  let win = pool_window(p, oh, ow);
  var acc = 0.0;
  for (var h = win.x; h < win.y; h++) {
    for (var w = win.z; w < win.w; w++) {
      acc += x[pool_input_index(p, b, u32(h), u32(w), c)];
    }
  }
  let count = max(win.y - win.x, 0) * max(win.w - win.z, 0);
  y[o] = acc / f32(count);
}
