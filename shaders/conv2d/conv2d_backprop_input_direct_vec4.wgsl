// Input gradient of conv2d for 1 to 4 input channels (an image's) and output channels in whole
// vec4s (at least 32), strided or dilated (stride-1 undilated ones take the faster
// conv2d_backprop_input_tiles_vec4.wgsl): dx[n,ih,iw,c] = Σ over taps (kh,kw) landing on an
// output (oh,ow), and o, of dy[n,oh,ow,o]·w[kh,kw,c,o], as conv2d_backprop_input_direct.wgsl
// (same layouts and uniforms; dy and w bound as vec4s along o). Here the 8 lanes of a row split
// the sum over o instead of owning dx elements: invocation (lane, g) accumulates, for the 8
// pixels p0 + 8·g.. and every input channel, the vec4s o4 = lane, lane + 8, ... of the
// products; the lanes' sums are then added through workgroup memory, lane i writing pixel i's
// channels. Per tap a lane reads one vec4 of dy per pixel and IN_C vec4s of w shared by its 8
// pixels, where the per-element kernel reads 2·outC scalars per dx element; on software Vulkan
// (lavapipe) every such read is a loop over the SIMD lanes (see shaders/matmul/matmul_vec4.wgsl),
// so this does ~5x fewer.
// Dispatch: workgroups (x + y·nwg.x) walk tiles of 8·WG_Y pixels.
//!include conv2d/common/direct_params.wgsl

@group(0) @binding(0) var<storage, read> dy: array<vec4f>;
@group(0) @binding(1) var<storage, read> w: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

// Rows of 8 invocations per workgroup (at most 8: the size of `sums`); input channels (1 to 4).
override WG_Y: u32 = 8u;
override IN_C: u32 = 3u;
// Both strides are 1.
override UNIT_STRIDE: bool = true;

// Per invocation row: 8 pixels x 4 channels x 8 lanes.
var<workgroup> sums: array<f32, 2048>;

// A dx pixel: image, and its row and column shifted by the padding.
struct Pixel {
  b: u32,
  h: i32,
  w: i32,
}

fn pixel_of(p: u32) -> Pixel {
  let iw = p % u.in_w;
  let ih = (p / u.in_w) % u.in_h;
  return Pixel(p / (u.in_w * u.in_h), i32(ih + u.pad_top), i32(iw + u.pad_left));
}

// vec4 offset in dy of the output pixel that tap (kh, kw) of pixel px lands on, or -1 when none.
fn dy_offset(px: Pixel, kh: u32, kw: u32, out_c4: u32) -> i32 {
  let th = px.h - i32(kh * u.dilation_h);
  let tw = px.w - i32(kw * u.dilation_w);
  // `|`, not `||` (no branches; see tap_offset in conv2d_vec4.wgsl).
  if ((th < 0) | (tw < 0)) { return -1; }
  var oh = u32(th);
  var ow = u32(tw);
  // Integer division runs once per lane on CPU drivers: skipped for the usual stride 1.
  if (!UNIT_STRIDE) {
    if ((th % i32(u.stride_h) != 0) | (tw % i32(u.stride_w) != 0)) { return -1; }
    oh /= u.stride_h;
    ow /= u.stride_w;
  }
  if ((oh >= u.out_h) | (ow >= u.out_w)) { return -1; }
  return i32(((px.b * u.out_h + oh) * u.out_w + ow) * out_c4);
}

// dy at a tap's offset plus o4; 0 where the tap lands on no output (the read is clamped).
fn dy_at(offset: i32, o4: u32) -> vec4f {
  return select(vec4f(0.0), dy[u32(max(offset, 0)) + o4], offset >= 0);
}

fn hsum(v: vec4f) -> f32 {
  return v.x + v.y + v.z + v.w;
}

@compute @workgroup_size(8, WG_Y)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let pixels = u.n / u.in_c;
  let tile = wid.x + wid.y * nwg.x;
  // Uniform: the whole workgroup leaves together, before the barrier.
  if (tile * 8u * WG_Y >= pixels) { return; }
  let lane = lid.x;
  let out_c4 = u.out_c / 4u;
  let p0 = (tile * WG_Y + lid.y) * 8u;
  // Pixels past the last repeat it (the same in every lane) and are not stored.
  let last = pixels - 1u;
  let px0 = pixel_of(min(p0 + 0u, last));
  let px1 = pixel_of(min(p0 + 1u, last));
  let px2 = pixel_of(min(p0 + 2u, last));
  let px3 = pixel_of(min(p0 + 3u, last));
  let px4 = pixel_of(min(p0 + 4u, last));
  let px5 = pixel_of(min(p0 + 5u, last));
  let px6 = pixel_of(min(p0 + 6u, last));
  let px7 = pixel_of(min(p0 + 7u, last));

  var acc0_0 = vec4f(0.0); var acc0_1 = vec4f(0.0); var acc0_2 = vec4f(0.0); var acc0_3 = vec4f(0.0);
  var acc1_0 = vec4f(0.0); var acc1_1 = vec4f(0.0); var acc1_2 = vec4f(0.0); var acc1_3 = vec4f(0.0);
  var acc2_0 = vec4f(0.0); var acc2_1 = vec4f(0.0); var acc2_2 = vec4f(0.0); var acc2_3 = vec4f(0.0);
  var acc3_0 = vec4f(0.0); var acc3_1 = vec4f(0.0); var acc3_2 = vec4f(0.0); var acc3_3 = vec4f(0.0);
  var acc4_0 = vec4f(0.0); var acc4_1 = vec4f(0.0); var acc4_2 = vec4f(0.0); var acc4_3 = vec4f(0.0);
  var acc5_0 = vec4f(0.0); var acc5_1 = vec4f(0.0); var acc5_2 = vec4f(0.0); var acc5_3 = vec4f(0.0);
  var acc6_0 = vec4f(0.0); var acc6_1 = vec4f(0.0); var acc6_2 = vec4f(0.0); var acc6_3 = vec4f(0.0);
  var acc7_0 = vec4f(0.0); var acc7_1 = vec4f(0.0); var acc7_2 = vec4f(0.0); var acc7_3 = vec4f(0.0);

  for (var kh = 0u; kh < u.k_h; kh++) {
    for (var kw = 0u; kw < u.k_w; kw++) {
      let d0 = dy_offset(px0, kh, kw, out_c4);
      let d1 = dy_offset(px1, kh, kw, out_c4);
      let d2 = dy_offset(px2, kh, kw, out_c4);
      let d3 = dy_offset(px3, kh, kw, out_c4);
      let d4 = dy_offset(px4, kh, kw, out_c4);
      let d5 = dy_offset(px5, kh, kw, out_c4);
      let d6 = dy_offset(px6, kh, kw, out_c4);
      let d7 = dy_offset(px7, kh, kw, out_c4);
      let w_row = (kh * u.k_w + kw) * IN_C * out_c4;
      // The loop bound is the same in every lane (a divergent loop would mask every step);
      // lanes past the last channel read the last one with a zero filter.
      for (var t = 0u; t < out_c4; t += 8u) {
        let inside = t + lane < out_c4;
        let o4 = min(t + lane, out_c4 - 1u);
        // IN_C is a pipeline constant: the untaken branches compile away.
        let w0 = select(vec4f(0.0), w[w_row + o4], inside);
        var w1 = vec4f(0.0);
        var w2 = vec4f(0.0);
        var w3 = vec4f(0.0);
        if (IN_C > 1u) { w1 = select(vec4f(0.0), w[w_row + out_c4 + o4], inside); }
        if (IN_C > 2u) { w2 = select(vec4f(0.0), w[w_row + 2u * out_c4 + o4], inside); }
        if (IN_C > 3u) { w3 = select(vec4f(0.0), w[w_row + 3u * out_c4 + o4], inside); }
        let g0 = dy_at(d0, o4);
        let g1 = dy_at(d1, o4);
        let g2 = dy_at(d2, o4);
        let g3 = dy_at(d3, o4);
        let g4 = dy_at(d4, o4);
        let g5 = dy_at(d5, o4);
        let g6 = dy_at(d6, o4);
        let g7 = dy_at(d7, o4);
        acc0_0 = fma(g0, w0, acc0_0);
        acc1_0 = fma(g1, w0, acc1_0);
        acc2_0 = fma(g2, w0, acc2_0);
        acc3_0 = fma(g3, w0, acc3_0);
        acc4_0 = fma(g4, w0, acc4_0);
        acc5_0 = fma(g5, w0, acc5_0);
        acc6_0 = fma(g6, w0, acc6_0);
        acc7_0 = fma(g7, w0, acc7_0);
        if (IN_C > 1u) {
          acc0_1 = fma(g0, w1, acc0_1);
          acc1_1 = fma(g1, w1, acc1_1);
          acc2_1 = fma(g2, w1, acc2_1);
          acc3_1 = fma(g3, w1, acc3_1);
          acc4_1 = fma(g4, w1, acc4_1);
          acc5_1 = fma(g5, w1, acc5_1);
          acc6_1 = fma(g6, w1, acc6_1);
          acc7_1 = fma(g7, w1, acc7_1);
        }
        if (IN_C > 2u) {
          acc0_2 = fma(g0, w2, acc0_2);
          acc1_2 = fma(g1, w2, acc1_2);
          acc2_2 = fma(g2, w2, acc2_2);
          acc3_2 = fma(g3, w2, acc3_2);
          acc4_2 = fma(g4, w2, acc4_2);
          acc5_2 = fma(g5, w2, acc5_2);
          acc6_2 = fma(g6, w2, acc6_2);
          acc7_2 = fma(g7, w2, acc7_2);
        }
        if (IN_C > 3u) {
          acc0_3 = fma(g0, w3, acc0_3);
          acc1_3 = fma(g1, w3, acc1_3);
          acc2_3 = fma(g2, w3, acc2_3);
          acc3_3 = fma(g3, w3, acc3_3);
          acc4_3 = fma(g4, w3, acc4_3);
          acc5_3 = fma(g5, w3, acc5_3);
          acc6_3 = fma(g6, w3, acc6_3);
          acc7_3 = fma(g7, w3, acc7_3);
        }
      }
    }
  }

  // sums[((row·8 + pixel)·4 + channel)·8 + lane]: each lane's share, then lane i adds pixel i's.
  let row = lid.y * 256u;
  sums[row + (0u * 4u) * 8u + lane] = hsum(acc0_0); sums[row + (0u * 4u + 1u) * 8u + lane] = hsum(acc0_1); sums[row + (0u * 4u + 2u) * 8u + lane] = hsum(acc0_2); sums[row + (0u * 4u + 3u) * 8u + lane] = hsum(acc0_3);
  sums[row + (1u * 4u) * 8u + lane] = hsum(acc1_0); sums[row + (1u * 4u + 1u) * 8u + lane] = hsum(acc1_1); sums[row + (1u * 4u + 2u) * 8u + lane] = hsum(acc1_2); sums[row + (1u * 4u + 3u) * 8u + lane] = hsum(acc1_3);
  sums[row + (2u * 4u) * 8u + lane] = hsum(acc2_0); sums[row + (2u * 4u + 1u) * 8u + lane] = hsum(acc2_1); sums[row + (2u * 4u + 2u) * 8u + lane] = hsum(acc2_2); sums[row + (2u * 4u + 3u) * 8u + lane] = hsum(acc2_3);
  sums[row + (3u * 4u) * 8u + lane] = hsum(acc3_0); sums[row + (3u * 4u + 1u) * 8u + lane] = hsum(acc3_1); sums[row + (3u * 4u + 2u) * 8u + lane] = hsum(acc3_2); sums[row + (3u * 4u + 3u) * 8u + lane] = hsum(acc3_3);
  sums[row + (4u * 4u) * 8u + lane] = hsum(acc4_0); sums[row + (4u * 4u + 1u) * 8u + lane] = hsum(acc4_1); sums[row + (4u * 4u + 2u) * 8u + lane] = hsum(acc4_2); sums[row + (4u * 4u + 3u) * 8u + lane] = hsum(acc4_3);
  sums[row + (5u * 4u) * 8u + lane] = hsum(acc5_0); sums[row + (5u * 4u + 1u) * 8u + lane] = hsum(acc5_1); sums[row + (5u * 4u + 2u) * 8u + lane] = hsum(acc5_2); sums[row + (5u * 4u + 3u) * 8u + lane] = hsum(acc5_3);
  sums[row + (6u * 4u) * 8u + lane] = hsum(acc6_0); sums[row + (6u * 4u + 1u) * 8u + lane] = hsum(acc6_1); sums[row + (6u * 4u + 2u) * 8u + lane] = hsum(acc6_2); sums[row + (6u * 4u + 3u) * 8u + lane] = hsum(acc6_3);
  sums[row + (7u * 4u) * 8u + lane] = hsum(acc7_0); sums[row + (7u * 4u + 1u) * 8u + lane] = hsum(acc7_1); sums[row + (7u * 4u + 2u) * 8u + lane] = hsum(acc7_2); sums[row + (7u * 4u + 3u) * 8u + lane] = hsum(acc7_3);
  workgroupBarrier();
  let p = p0 + lane;
  if (p >= pixels) { return; }
  for (var c = 0u; c < IN_C; c++) {
    let at = row + (lane * 4u + c) * 8u;
    var total = 0.0;
    for (var l = 0u; l < 8u; l++) { total += sums[at + l]; }
    dx[p * IN_C + c] = total;
  }
}
