// out[b, oh, ow, c] = v[window_argmax of x]: v read at the positions max pooling of x picks.
// This is the adjoint of max_pool2d_backprop in dy, so second derivatives through max pooling
// use it (and max_pool2d(x) == max_pool2d_select(x, x)).
// Prelude: pool_window.wgsl + pool_argmax.wgsl.
// Bindings: 0 x (read, the pooled input), 1 v (read, x's shape), 2 out (write, [batch, out_h,
// out_w, channels]), 3 uniforms.
// Dispatch: ceil(n / WG) workgroups on a 2-D grid, n = batch * out_h * out_w * channels; one
// invocation per output element.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> v: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> u: Pool2dParams;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = u;
  let o = linear_index(gid, nwg, WG);
  if (o >= p.batch * p.out_h * p.out_w * p.channels) { return; }
  let c = o % p.channels;
  let ow = (o / p.channels) % p.out_w;
  let oh = (o / (p.channels * p.out_w)) % p.out_h;
  let b = o / (p.channels * p.out_w * p.out_h);
  let best = window_argmax(p, b, oh, ow, c);
  out[o] = select(v[best], 0.0, best == POOL_NONE);
}
