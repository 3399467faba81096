// depthwise_conv2d_backprop_input: dx[n, ih, iw, c] = Σ dy[n, oh, ow, c·multiplier + q]·w[kh, kw, c, q]
// over q and the taps that land on an output (ih + padTop = oh·strideH + kh·dilationH, likewise
// for columns). Per input element the sum has at most kH·kW·multiplier terms, so one invocation
// computes one dx element directly; taps that miss are skipped by a divisibility test.
// Layout: dy NHWC [batch, outH, outW, outC], outC = inC·multiplier; w [kH, kW, inC, multiplier],
// i.e. [kH·kW, outC]; dx NHWC [batch, inH, inW, inC].
// Bindings: 0 dy, 1 w (read), 2 dx (write), 3 uniforms.
// Dispatch: ceil(n / WG) workgroups on a 2-D grid, n = batch·inH·inW·inC.
//!include common/indexing.wgsl
//!include conv2d/common/conv_params.wgsl

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
  let pix = i / u.in_c;
  let iw = i32(pix % u32(u.in_w));
  let t = pix / u32(u.in_w);
  let ih = i32(t % u32(u.in_h));
  let n = t / u32(u.in_h);
  let dy_base = n * u32(u.out_h * u.out_w) * u.out_c + c * u.multiplier;
  var acc = 0.0;
  for (var kh = 0u; kh < u.k_h; kh++) {
    let num_h = ih + u.pad_top - i32(kh) * u.dilation_h;
    if (num_h < 0 || num_h % u.stride_h != 0) { continue; }
    let oh = num_h / u.stride_h;
    if (oh >= i32(u.out_h)) { continue; }
    for (var kw = 0u; kw < u.k_w; kw++) {
      let num_w = iw + u.pad_left - i32(kw) * u.dilation_w;
      if (num_w < 0 || num_w % u.stride_w != 0) { continue; }
      let ow = num_w / u.stride_w;
      if (ow >= i32(u.out_w)) { continue; }
      let dy_at = dy_base + u32(oh * i32(u.out_w) + ow) * u.out_c;
      let w_at = (kh * u.k_w + kw) * u.out_c + c * u.multiplier;
      for (var q = 0u; q < u.multiplier; q++) {
        acc = fma(dy[dy_at + q], w[w_at + q], acc);
      }
    }
  }
  dx[i] = acc;
}
