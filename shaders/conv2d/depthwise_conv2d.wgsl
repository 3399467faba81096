// depthwise_conv2d: y[n, oh, ow, j] = Σ_{kh, kw} x[n, ih, iw, c]·w[kh, kw, c, q], j = c·multiplier + q,
// ih = oh·strideH - padTop + kh·dilationH (likewise iw); taps in the padding read zero.
// Each output channel sees kH·kW inputs only, so there is no reduction worth tiling: one
// invocation computes one output, and neighbouring invocations (neighbouring j) read neighbouring
// x and w elements.
// Layout: x NHWC [batch, inH, inW, inC]; w [kH, kW, inC, multiplier], i.e. [kH·kW, outC];
// y NHWC [batch, outH, outW, outC], outC = inC·multiplier.
// Bindings: 0 x, 1 w (read), 2 y (write), 3 uniforms.
// Dispatch: ceil(n / WG) workgroups on a 2-D grid, n = batch·outH·outW·outC.
//!include common/indexing.wgsl
//!include conv2d/common/conv_params.wgsl

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WG);
  if (i >= u.n) { return; }
  let j = i % u.out_c;
  let pix = i / u.out_c;
  let ow = pix % u.out_w;
  let t = pix / u.out_w;
  let oh = t % u.out_h;
  let n = t / u.out_h;
  let c = j / u.multiplier;
  let ih0 = i32(oh) * u.stride_h - u.pad_top;
  let iw0 = i32(ow) * u.stride_w - u.pad_left;
  let x_base = n * u32(u.in_h * u.in_w) * u.in_c + c;
  var acc = 0.0;
  for (var kh = 0u; kh < u.k_h; kh++) {
    let ih = ih0 + i32(kh) * u.dilation_h;
    if (ih < 0 || ih >= u.in_h) { continue; }
    for (var kw = 0u; kw < u.k_w; kw++) {
      let iw = iw0 + i32(kw) * u.dilation_w;
      if (iw < 0 || iw >= u.in_w) { continue; }
      acc = fma(x[x_base + u32(ih * u.in_w + iw) * u.in_c], w[(kh * u.k_w + kw) * u.out_c + j], acc);
    }
  }
  y[i] = acc;
}
