// Max pooling, NHWC: y[b, oh, ow, c] = the largest x of window (oh, ow) in channel c.
// Bindings: 0 x (read, [batch, in_h, in_w, channels]), 1 y (write, [batch, out_h, out_w,
// channels]), 2 uniforms.
// Dispatch: shaders/pool/common/per_element.wgsl (one invocation per output element).
//!include pool/common/per_element.wgsl
//!include pool/common/pool_argmax.wgsl

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> u: Pool2dParams;

const POOL_OUTPUT = true;

// Called by the entry point of per_element.wgsl for output element o = (b, oh, ow, c).
fn pool_element(p: Pool2dParams, o: u32, b: u32, oh: u32, ow: u32, c: u32) {
  let best = window_argmax(p, b, oh, ow, c);
  y[o] = select(x[best], -f32_inf(), best == POOL_NONE);
}
