// out[b, oh, ow, c] = v[window_argmax of x]: v read at the positions max pooling of x picks.
// This is the adjoint of max_pool2d_backprop in dy, so second derivatives through max pooling
// use it (and max_pool2d(x) == max_pool2d_select(x, x)).
// Bindings: 0 x (read, the pooled input), 1 v (read, x's shape), 2 out (write, [batch, out_h,
// out_w, channels]), 3 uniforms.
// Dispatch: shaders/pool/common/per_element.wgsl (one invocation per output element).
//!include pool/common/per_element.wgsl
//!include pool/common/pool_argmax.wgsl

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> v: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> u: Pool2dParams;

const POOL_OUTPUT = true;

// Called by the entry point of per_element.wgsl for output element o = (b, oh, ow, c).
fn pool_element(p: Pool2dParams, o: u32, b: u32, oh: u32, ow: u32, c: u32) {
  let best = window_argmax(p, b, oh, ow, c);
  out[o] = select(v[best], 0.0, best == POOL_NONE);
}
