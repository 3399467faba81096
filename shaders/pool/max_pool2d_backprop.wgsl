// Gradient of max pooling, gather form (no atomics): dx[b, h, w, c] = sum of dy over the windows
// covering (h, w) whose argmax (window_argmax: first largest in row-major order) is (h, w).
// Prelude: pool_window.wgsl + pool_argmax.wgsl.
// Bindings: 0 x (read, the pooled input), 1 dy (read, [batch, out_h, out_w, channels]),
// 2 dx (write, x's shape), 3 uniforms.
// Dispatch: ceil(n / WG) workgroups on a 2-D grid, n = batch * in_h * in_w * channels; one
// invocation per input element rescans the (at most ceil(pool/stride)^2) windows covering it.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> u: Pool2dParams;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = u;
  let i = linear_index(gid, nwg, WG);
  if (i >= p.batch * p.in_h * p.in_w * p.channels) { return; }
  let c = i % p.channels;
  let iw = (i / p.channels) % p.in_w;
  let ih = (i / (p.channels * p.in_w)) % p.in_h;
  let b = i / (p.channels * p.in_w * p.in_h);
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
