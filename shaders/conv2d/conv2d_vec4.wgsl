// conv2d forward for output channels in whole vec4s: y[m, o] = act(Σ_k A[m, k]·w[k, o] + bias[o])
// with the im2col matrix A of shaders/conv2d/conv2d.wgsl (m an output pixel, k = (kh·kW + kw)·inC
// + c a filter tap), read straight from x. src/backend/webgpu/kernels/conv.ts picks this shader
// when outC is a multiple of 4 and at least 32. Same layouts, bindings and uniforms as
// conv2d.wgsl; w and y are bound as vec4 rows of outC / 4.
// Dispatch: workgroups (x + y·nwg.x) walk the M tiles of 16·WG_Y pixels, z the channel tiles of
// 32·TV. Invocation (lane, g) computes 16 consecutive pixels m0 + 16·g.. and the vec4 channels
// lane + 8·t (t < TV): per tap, 16 reads of x shared by the 8 lanes of a row (the pixel and tap
// do not depend on the lane) and TV vec4 reads of w per lane feed 16·TV vec4 multiply-adds.
// Why this shape: software Vulkan (lavapipe) runs the 8 lanes of a row as SIMD lanes; a read at
// the same address in every lane is one load and a broadcast, any other read (workgroup memory
// included) a loop over the lanes. See shaders/matmul/matmul_vec4.wgsl for the measurements.
// conv_activation(v, alpha) is the generated prelude calling op_<activation> of shaders/common.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<vec4f>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(4) var<uniform> u: Params;

// Rows of 8 invocations per workgroup; vec4 channels per invocation (1 or 2).
override WG_Y: u32 = 8u;
override TV: u32 = 2u;
override HAS_BIAS: bool = false;
// Some window reaches past the input (padding): false for 'valid' convolutions, whose taps then
// skip the bounds checks (a third of the work around the multiply-adds).
override CHECK_BOUNDS: bool = true;

// The first input row and column a pixel's window reads, and its image's offset in x.
struct Window {
  ih: i32,
  iw: i32,
  image: u32,
}

fn window_of(m: u32) -> Window {
  let ow = m % u.out_w;
  let t = m / u.out_w;
  let oh = t % u.out_h;
  let n = t / u.out_h;
  return Window(i32(oh) * u.stride_h - u.pad_top, i32(ow) * u.stride_w - u.pad_left, n * u32(u.in_h * u.in_w) * u.in_c);
}

// Offset in x of the tap's first channel, or -1 when the tap falls in the padding.
fn tap_offset(win: Window, dh: i32, dw: i32) -> i32 {
  let ih = win.ih + dh;
  let iw = win.iw + dw;
  let at = i32(win.image) + (ih * u.in_w + iw) * i32(u.in_c);
  if (!CHECK_BOUNDS) { return at; }
  // `&`, not `&&`: short-circuit conditions are branches, and SwiftShader's shader compiler does
  // not finish (minutes) on this function inlined 16 times with them. Negative values wrap to
  // large ones as u32.
  return select(-1, at, (u32(ih) < u32(u.in_h)) & (u32(iw) < u32(u.in_w)));
}

// x at a tap offset plus channel c; 0 in the padding (the read itself is clamped to x[c]).
fn tap_value(offset: i32, c: u32) -> f32 {
  if (!CHECK_BOUNDS) { return x[u32(offset) + c]; }
  return select(0.0, x[u32(max(offset, 0)) + c], offset >= 0);
}

fn finish(v: vec4f, o4: u32) -> vec4f {
  var r = v;
  if (HAS_BIAS) { r += vec4f(bias[4u * o4], bias[4u * o4 + 1u], bias[4u * o4 + 2u], bias[4u * o4 + 3u]); }
  return vec4f(conv_activation(r.x, u.alpha), conv_activation(r.y, u.alpha), conv_activation(r.z, u.alpha), conv_activation(r.w, u.alpha));
}

fn store(m: u32, o4: u32, out_c4: u32, v: vec4f) {
  if (m < u.m && o4 < out_c4) { y[m * out_c4 + o4] = finish(v, o4); }
}

@compute @workgroup_size(8, WG_Y)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let m_tile = wid.x + wid.y * nwg.x;
  if (m_tile >= u.m_tiles) { return; }
  let out_c4 = u.out_c / 4u;
  let m0 = (m_tile * WG_Y + lid.y) * 16u;
  let o4 = wid.z * (8u * TV) + lid.x;
  // Lanes past the last channel read the last one and store nothing.
  let c0 = min(o4, out_c4 - 1u);
  let c1 = min(o4 + 8u, out_c4 - 1u);
  // Pixels past the last one repeat it (the same in every lane, so reads stay broadcasts).
  let last = u.m - 1u;
  let win0 = window_of(min(m0 + 0u, last));
  let win1 = window_of(min(m0 + 1u, last));
  let win2 = window_of(min(m0 + 2u, last));
  let win3 = window_of(min(m0 + 3u, last));
  let win4 = window_of(min(m0 + 4u, last));
  let win5 = window_of(min(m0 + 5u, last));
  let win6 = window_of(min(m0 + 6u, last));
  let win7 = window_of(min(m0 + 7u, last));
  let win8 = window_of(min(m0 + 8u, last));
  let win9 = window_of(min(m0 + 9u, last));
  let win10 = window_of(min(m0 + 10u, last));
  let win11 = window_of(min(m0 + 11u, last));
  let win12 = window_of(min(m0 + 12u, last));
  let win13 = window_of(min(m0 + 13u, last));
  let win14 = window_of(min(m0 + 14u, last));
  let win15 = window_of(min(m0 + 15u, last));

  var acc0_0 = vec4f(0.0); var acc0_1 = vec4f(0.0);
  var acc1_0 = vec4f(0.0); var acc1_1 = vec4f(0.0);
  var acc2_0 = vec4f(0.0); var acc2_1 = vec4f(0.0);
  var acc3_0 = vec4f(0.0); var acc3_1 = vec4f(0.0);
  var acc4_0 = vec4f(0.0); var acc4_1 = vec4f(0.0);
  var acc5_0 = vec4f(0.0); var acc5_1 = vec4f(0.0);
  var acc6_0 = vec4f(0.0); var acc6_1 = vec4f(0.0);
  var acc7_0 = vec4f(0.0); var acc7_1 = vec4f(0.0);
  var acc8_0 = vec4f(0.0); var acc8_1 = vec4f(0.0);
  var acc9_0 = vec4f(0.0); var acc9_1 = vec4f(0.0);
  var acc10_0 = vec4f(0.0); var acc10_1 = vec4f(0.0);
  var acc11_0 = vec4f(0.0); var acc11_1 = vec4f(0.0);
  var acc12_0 = vec4f(0.0); var acc12_1 = vec4f(0.0);
  var acc13_0 = vec4f(0.0); var acc13_1 = vec4f(0.0);
  var acc14_0 = vec4f(0.0); var acc14_1 = vec4f(0.0);
  var acc15_0 = vec4f(0.0); var acc15_1 = vec4f(0.0);

  let k_h = u.k / (u.k_w * u.in_c);
  for (var kh = 0u; kh < k_h; kh++) {
    let dh = i32(kh) * u.dilation_h;
    for (var kw = 0u; kw < u.k_w; kw++) {
      let dw = i32(kw) * u.dilation_w;
      let t0 = tap_offset(win0, dh, dw);
      let t1 = tap_offset(win1, dh, dw);
      let t2 = tap_offset(win2, dh, dw);
      let t3 = tap_offset(win3, dh, dw);
      let t4 = tap_offset(win4, dh, dw);
      let t5 = tap_offset(win5, dh, dw);
      let t6 = tap_offset(win6, dh, dw);
      let t7 = tap_offset(win7, dh, dw);
      let t8 = tap_offset(win8, dh, dw);
      let t9 = tap_offset(win9, dh, dw);
      let t10 = tap_offset(win10, dh, dw);
      let t11 = tap_offset(win11, dh, dw);
      let t12 = tap_offset(win12, dh, dw);
      let t13 = tap_offset(win13, dh, dw);
      let t14 = tap_offset(win14, dh, dw);
      let t15 = tap_offset(win15, dh, dw);
      let tap_row = (kh * u.k_w + kw) * u.in_c;
      for (var c = 0u; c < u.in_c; c++) {
        let w_row = (tap_row + c) * out_c4;
        let b0 = w[w_row + c0];
        // TV is a pipeline constant: the untaken branches compile away.
        var b1 = vec4f(0.0);
        if (TV > 1u) { b1 = w[w_row + c1]; }
        let a0 = vec4f(tap_value(t0, c));
        let a1 = vec4f(tap_value(t1, c));
        let a2 = vec4f(tap_value(t2, c));
        let a3 = vec4f(tap_value(t3, c));
        let a4 = vec4f(tap_value(t4, c));
        let a5 = vec4f(tap_value(t5, c));
        let a6 = vec4f(tap_value(t6, c));
        let a7 = vec4f(tap_value(t7, c));
        let a8 = vec4f(tap_value(t8, c));
        let a9 = vec4f(tap_value(t9, c));
        let a10 = vec4f(tap_value(t10, c));
        let a11 = vec4f(tap_value(t11, c));
        let a12 = vec4f(tap_value(t12, c));
        let a13 = vec4f(tap_value(t13, c));
        let a14 = vec4f(tap_value(t14, c));
        let a15 = vec4f(tap_value(t15, c));
        acc0_0 = fma(a0, b0, acc0_0);
        acc1_0 = fma(a1, b0, acc1_0);
        acc2_0 = fma(a2, b0, acc2_0);
        acc3_0 = fma(a3, b0, acc3_0);
        acc4_0 = fma(a4, b0, acc4_0);
        acc5_0 = fma(a5, b0, acc5_0);
        acc6_0 = fma(a6, b0, acc6_0);
        acc7_0 = fma(a7, b0, acc7_0);
        acc8_0 = fma(a8, b0, acc8_0);
        acc9_0 = fma(a9, b0, acc9_0);
        acc10_0 = fma(a10, b0, acc10_0);
        acc11_0 = fma(a11, b0, acc11_0);
        acc12_0 = fma(a12, b0, acc12_0);
        acc13_0 = fma(a13, b0, acc13_0);
        acc14_0 = fma(a14, b0, acc14_0);
        acc15_0 = fma(a15, b0, acc15_0);
        if (TV > 1u) {
          acc0_1 = fma(a0, b1, acc0_1);
          acc1_1 = fma(a1, b1, acc1_1);
          acc2_1 = fma(a2, b1, acc2_1);
          acc3_1 = fma(a3, b1, acc3_1);
          acc4_1 = fma(a4, b1, acc4_1);
          acc5_1 = fma(a5, b1, acc5_1);
          acc6_1 = fma(a6, b1, acc6_1);
          acc7_1 = fma(a7, b1, acc7_1);
          acc8_1 = fma(a8, b1, acc8_1);
          acc9_1 = fma(a9, b1, acc9_1);
          acc10_1 = fma(a10, b1, acc10_1);
          acc11_1 = fma(a11, b1, acc11_1);
          acc12_1 = fma(a12, b1, acc12_1);
          acc13_1 = fma(a13, b1, acc13_1);
          acc14_1 = fma(a14, b1, acc14_1);
          acc15_1 = fma(a15, b1, acc15_1);
        }
      }
    }
  }

  store(m0 + 0u, o4, out_c4, acc0_0);
  store(m0 + 1u, o4, out_c4, acc1_0);
  store(m0 + 2u, o4, out_c4, acc2_0);
  store(m0 + 3u, o4, out_c4, acc3_0);
  store(m0 + 4u, o4, out_c4, acc4_0);
  store(m0 + 5u, o4, out_c4, acc5_0);
  store(m0 + 6u, o4, out_c4, acc6_0);
  store(m0 + 7u, o4, out_c4, acc7_0);
  store(m0 + 8u, o4, out_c4, acc8_0);
  store(m0 + 9u, o4, out_c4, acc9_0);
  store(m0 + 10u, o4, out_c4, acc10_0);
  store(m0 + 11u, o4, out_c4, acc11_0);
  store(m0 + 12u, o4, out_c4, acc12_0);
  store(m0 + 13u, o4, out_c4, acc13_0);
  store(m0 + 14u, o4, out_c4, acc14_0);
  store(m0 + 15u, o4, out_c4, acc15_0);
  if (TV > 1u) {
    store(m0 + 0u, o4 + 8u, out_c4, acc0_1);
    store(m0 + 1u, o4 + 8u, out_c4, acc1_1);
    store(m0 + 2u, o4 + 8u, out_c4, acc2_1);
    store(m0 + 3u, o4 + 8u, out_c4, acc3_1);
    store(m0 + 4u, o4 + 8u, out_c4, acc4_1);
    store(m0 + 5u, o4 + 8u, out_c4, acc5_1);
    store(m0 + 6u, o4 + 8u, out_c4, acc6_1);
    store(m0 + 7u, o4 + 8u, out_c4, acc7_1);
    store(m0 + 8u, o4 + 8u, out_c4, acc8_1);
    store(m0 + 9u, o4 + 8u, out_c4, acc9_1);
    store(m0 + 10u, o4 + 8u, out_c4, acc10_1);
    store(m0 + 11u, o4 + 8u, out_c4, acc11_1);
    store(m0 + 12u, o4 + 8u, out_c4, acc12_1);
    store(m0 + 13u, o4 + 8u, out_c4, acc13_1);
    store(m0 + 14u, o4 + 8u, out_c4, acc14_1);
    store(m0 + 15u, o4 + 8u, out_c4, acc15_1);
  }
}
