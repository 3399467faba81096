// Input gradient of conv2d for layers with few input channels (an image's 1 or 3): the tiled
// kernel (conv2d_backprop_input.wgsl) computes 64-column tiles of dx's channels, so with 3 channels
// 61 of every 64 columns would be padding. Here one invocation computes one dx element directly:
// dx[n,ih,iw,c] = Σ over taps (kh,kw) landing on an output (oh,ow), and o, of dy[n,oh,ow,o]·w[kh,kw,c,o],
// with oh = (ih + pad_top - kh·dilation_h) / stride_h when that divides exactly and is in range.
// Layout: dy [batch,out_h,out_w,out_c], w [k_h,k_w,in_c,out_c] (HWIO), dx [batch,in_h,in_w,in_c].
// Bindings: 0 dy (read), 1 w (read), 2 dx (write), 3 uniforms (Params of
// common/direct_params.wgsl).
// Dispatch: ceil(n / WG) workgroups on a 2-D grid; one invocation writes one dx element.
//!include common/indexing.wgsl
//!include conv2d/common/direct_params.wgsl

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WG);
  if (i >= u.n) { return; }
  let c = i % u.in_c;
  let iw = (i / u.in_c) % u.in_w;
  let ih = (i / (u.in_c * u.in_w)) % u.in_h;
  let b = i / (u.in_c * u.in_w * u.in_h);
  var acc = 0.0;
  for (var kh = 0u; kh < u.k_h; kh++) {
    let th = i32(ih + u.pad_top) - i32(kh * u.dilation_h);
    if (th < 0 || th % i32(u.stride_h) != 0) { continue; }
    let oh = u32(th) / u.stride_h;
    if (oh >= u.out_h) { continue; }
    for (var kw = 0u; kw < u.k_w; kw++) {
      let tw = i32(iw + u.pad_left) - i32(kw * u.dilation_w);
      if (tw < 0 || tw % i32(u.stride_w) != 0) { continue; }
      let ow = u32(tw) / u.stride_w;
      if (ow >= u.out_w) { continue; }
      let dy_base = ((b * u.out_h + oh) * u.out_w + ow) * u.out_c;
      let w_base = ((kh * u.k_w + kw) * u.in_c + c) * u.out_c;
      for (var o = 0u; o < u.out_c; o++) {
        acc += dy[dy_base + o] * w[w_base + o];
      }
    }
  }
  dx[i] = acc;
}
