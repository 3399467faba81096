// depthwise_conv2d_backprop_filter with a split reduction:
//   partial[tap, j, z] = Σ_{p in chunk z} x[n, ih, iw, c]·dy[p, j],
// tap = kh·kW + kw, j = c·multiplier + q, p = (n·outH + oh)·outW + ow, ih = oh·strideH - padTop +
// kh·dilationH (likewise iw; the padding reads zero). The op sums the partials unless splits is 1.
// Layout: x NHWC [batch, inH, inW, inC]; dy NHWC [batch, outH, outW, outC], i.e. [pixels, outC];
// partial [kH·kW·outC, splits].
// Bindings: 0 x, 1 dy (read), 2 partial (write), 3 uniforms.
// Dispatch: x = ceil(outC / WG_J) channel blocks, y = kH·kW taps, z = chunks. Invocation
// (jj, pp) sums pixels pp, pp + WG_P, ... of the chunk for channel j (neighbouring invocations
// read neighbouring channels); the WG_P partial sums per channel are then added in workgroup
// memory as a tree.
//!include conv2d/common/conv_params.wgsl

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> partial: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

override WG_J: u32 = 64u;
// A power of two (tree reduction).
override WG_P: u32 = 4u;
override SUMS: u32 = WG_J * WG_P;

var<workgroup> sums: array<f32, SUMS>;  // [WG_P][WG_J]

@compute @workgroup_size(WG_J, WG_P)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let j = wid.x * WG_J + lid.x;
  let tap = wid.y;
  let z = wid.z;
  let dh = i32(tap / u.k_w) * u.dilation_h;
  let dw = i32(tap % u.k_w) * u.dilation_w;
  let c = j / u.multiplier;
  let p_begin = z * u.chunk;
  let p_end = min(p_begin + u.chunk, u.pixels);
  var acc = 0.0;
  if (j < u.out_c) {
    for (var p = p_begin + lid.y; p < p_end; p += WG_P) {
      let ow = p % u.out_w;
      let t = p / u.out_w;
      let oh = t % u.out_h;
      let n = t / u.out_h;
      let ih = i32(oh) * u.stride_h - u.pad_top + dh;
      let iw = i32(ow) * u.stride_w - u.pad_left + dw;
      if (ih >= 0 && ih < u.in_h && iw >= 0 && iw < u.in_w) {
        let xv = x[(n * u32(u.in_h) + u32(ih)) * u32(u.in_w) * u.in_c + u32(iw) * u.in_c + c];
        acc = fma(xv, dy[p * u.out_c + j], acc);
      }
    }
  }
  sums[lid.y * WG_J + lid.x] = acc;
  workgroupBarrier();
  for (var half = WG_P / 2u; half > 0u; half = half / 2u) {
    if (lid.y < half) {
      sums[lid.y * WG_J + lid.x] += sums[(lid.y + half) * WG_J + lid.x];
    }
    workgroupBarrier();
  }
  if (lid.y == 0u && j < u.out_c) {
    partial[(tap * u.out_c + j) * u.splits + z] = sums[lid.x];
  }
}
