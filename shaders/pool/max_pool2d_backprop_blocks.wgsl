// Gradient of max pooling when windows do not overlap (stride >= pool along both axes, the usual
// 2x2 stride-2 pooling) and channels come in whole vec4s: scatter form. The input is cut into
// blocks of stride_h x stride_w positions, block (bh, bw) starting at (bh·stride_h - pad_top,
// bw·stride_w - pad_left); window (bh, bw), when it exists, lies inside its block. One
// invocation per block and vec4 of channels finds the window's argmax (first largest in
// row-major order, the first NaN if there is one: window_argmax's rule in pool_argmax.wgsl)
// and writes the whole block of dx: dy at the argmax, 0 elsewhere (also in the gaps between
// windows and the rows and columns past the last window). Against the gather form
// (max_pool2d_backprop.wgsl: each input element rescans its windows) this reads each x once and
// each dy once, four channels per read.
// Bindings: 0 x, 1 dy, 2 dx (vec4 rows of channels / 4), 3 uniforms.
// Dispatch: ceil(n / WG) workgroups on a 2-D grid, n = batch · blocks_h · blocks_w · channels / 4.
//!include pool/common/pool_window.wgsl
//!include common/indexing.wgsl
//!include common/binary_ops.wgsl

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read> dy: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> dx: array<vec4f>;
@group(0) @binding(3) var<uniform> u: Pool2dParams;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = u;
  let c4s = p.channels / 4u;
  let blocks_h = (p.in_h + p.pad_top + p.stride_h - 1u) / p.stride_h;
  let blocks_w = (p.in_w + p.pad_left + p.stride_w - 1u) / p.stride_w;
  let i = linear_index(gid, nwg, WG);
  if (i >= p.batch * blocks_h * blocks_w * c4s) { return; }
  let c4 = i % c4s;
  let bw = (i / c4s) % blocks_w;
  let bh = (i / (c4s * blocks_w)) % blocks_h;
  let b = i / (c4s * blocks_w * blocks_h);
  let h0 = i32(bh * p.stride_h) - i32(p.pad_top);
  let w0 = i32(bw * p.stride_w) - i32(p.pad_left);

  // Argmax per channel, as the position (row-major within the window) of the largest element.
  let has_window = bh < p.out_h && bw < p.out_w;
  var best_at = vec4u(0xffffffffu);
  var grad = vec4f(0.0);
  if (has_window) {
    let win = pool_window(p, bh, bw);
    var best = vec4f(0.0);
    var first = true;
    for (var h = win.x; h < win.y; h++) {
      for (var w = win.z; w < win.w; w++) {
        let v = x[((b * p.in_h + u32(h)) * p.in_w + u32(w)) * c4s + c4];
        let at = vec4u(u32((h - h0) * i32(p.pool_w) + (w - w0)));
        let better = vec4<bool>(arg_max_better(v.x, best.x), arg_max_better(v.y, best.y), arg_max_better(v.z, best.z), arg_max_better(v.w, best.w));
        let take = select(better, vec4<bool>(true), first);
        best = select(best, v, take);
        best_at = select(best_at, at, take);
        first = false;
      }
    }
    grad = dy[((b * p.out_h + bh) * p.out_w + bw) * c4s + c4];
  }

  for (var r = 0u; r < p.stride_h; r++) {
    let h = h0 + i32(r);
    if (h < 0 || h >= i32(p.in_h)) { continue; }
    for (var s = 0u; s < p.stride_w; s++) {
      let w = w0 + i32(s);
      if (w < 0 || w >= i32(p.in_w)) { continue; }
      // Positions past the window (r >= pool_h or s >= pool_w) never match: best_at < pool_h·pool_w.
      let at = select(0xfffffffeu, r * p.pool_w + s, r < p.pool_h && s < p.pool_w);
      dx[((b * p.in_h + u32(h)) * p.in_w + u32(w)) * c4s + c4] = select(vec4f(0.0), grad, best_at == vec4u(at));
    }
  }
}
