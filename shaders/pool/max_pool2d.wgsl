// Max pooling, NHWC: y[b, oh, ow, c] = the largest x of window (oh, ow) in channel c.
// Prelude: pool_window.wgsl + pool_argmax.wgsl (struct Pool2dParams, window_argmax).
// Bindings: 0 x (read, [batch, in_h, in_w, channels]), 1 y (write, [batch, out_h, out_w,
// channels]), 2 uniforms.
// Dispatch: ceil(n / WG) workgroups on a 2-D grid, n = batch * out_h * out_w * channels; one
// invocation scans one window (consecutive invocations read consecutive channels).

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> u: Pool2dParams;

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
  y[o] = select(x[best], -f32_inf(), best == POOL_NONE);
}
