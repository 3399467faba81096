// Average pooling, NHWC: y[b, oh, ow, c] = mean of the valid (non-padding) x of window (oh, ow):
// with 'same' padding the border windows divide by fewer elements, as TensorFlow does.
// Prelude: pool_window.wgsl (struct Pool2dParams, pool_window).
// Bindings: 0 x (read, [batch, in_h, in_w, channels]), 1 y (write, [batch, out_h, out_w,
// channels]), 2 uniforms.
// Dispatch: ceil(n / WG) workgroups on a 2-D grid, n = batch * out_h * out_w * channels; one
// invocation per output element.

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
