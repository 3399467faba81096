// conv2d forward for output channels in whole vec4s: y[m, o] = act(Σ_k A[m, k]·w[k, o] + bias[o])
// with the im2col matrix A of shaders/conv2d/conv2d.wgsl (m an output pixel, k = (kh·kW + kw)·inC
// + c a filter tap), read straight from x. src/backend/webgpu/dispatch/conv.ts picks this shader
// when outC is a multiple of 4 and at least 32. Same layouts, bindings and uniforms as
// conv2d.wgsl; w and y are bound as vec4 rows of outC / 4.
// Dispatch: workgroups (x + y·nwg.x) walk the M tiles of 16·WG_Y pixels, z the channel tiles of
// 32·TV. Invocation (lane, g) computes PIXELS = 16 consecutive pixels m0 + 16·g.. and the vec4 channels
// lane + 8·t (t < TV): per tap, 16 reads of x shared by the 8 lanes of a row (the pixel and tap
// do not depend on the lane) and TV vec4 reads of w per lane feed 16·TV vec4 multiply-adds.
// Why this shape: software Vulkan (lavapipe) runs the 8 lanes of a row as SIMD lanes and reads
// storage lane by lane, so what counts is reads per multiply-add. See
// shaders/matmul/matmul_vec4.wgsl for the measurements.
// conv_activation(v, alpha) is the generated prelude calling op_<activation> of
// shaders/common/unary_ops.wgsl.
//!include conv2d/common/conv_params.wgsl
//!include common/unary_ops.wgsl

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<vec4f>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(4) var<uniform> u: Params;

// Rows of 8 invocations per workgroup; vec4 channels per invocation (1 or 2).
override WG_Y: u32 = 8u;
// Output pixels per invocation.
const PIXELS: u32 = 16u;
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
  let m0 = (m_tile * WG_Y + lid.y) * PIXELS;
  let o4 = wid.z * (8u * TV) + lid.x;
  // Lanes past the last channel read the last one and store nothing.
  let c0 = min(o4, out_c4 - 1u);
  let c1 = min(o4 + 8u, out_c4 - 1u);
  // Pixels past the last one repeat it (the same in every lane, so reads stay on one cache line).
  let last = u.m - 1u;
  // The loops below have constant trip counts: compilers unroll them and keep these arrays in
  // registers (measured on lavapipe: as fast as named variables).
  var win: array<Window, PIXELS>;
  for (var i = 0u; i < PIXELS; i++) { win[i] = window_of(min(m0 + i, last)); }
  // acc[2·i + t]: pixel i, vec4 channel t.
  var acc: array<vec4f, 2u * PIXELS>;

  let k_h = u.k / (u.k_w * u.in_c);
  for (var kh = 0u; kh < k_h; kh++) {
    let dh = i32(kh) * u.dilation_h;
    for (var kw = 0u; kw < u.k_w; kw++) {
      let dw = i32(kw) * u.dilation_w;
      var taps: array<i32, PIXELS>;
      for (var i = 0u; i < PIXELS; i++) { taps[i] = tap_offset(win[i], dh, dw); }
      let tap_row = (kh * u.k_w + kw) * u.in_c;
      for (var c = 0u; c < u.in_c; c++) {
        let w_row = (tap_row + c) * out_c4;
        let b0 = w[w_row + c0];
        // TV is a pipeline constant: the untaken branches compile away.
        var b1 = vec4f(0.0);
        if (TV > 1u) { b1 = w[w_row + c1]; }
        for (var i = 0u; i < PIXELS; i++) {
          let a = vec4f(tap_value(taps[i], c));
          acc[2u * i] = fma(a, b0, acc[2u * i]);
          if (TV > 1u) { acc[2u * i + 1u] = fma(a, b1, acc[2u * i + 1u]); }
        }
      }
    }
  }

  for (var i = 0u; i < PIXELS; i++) {
    store(m0 + i, o4, out_c4, acc[2u * i]);
    if (TV > 1u) { store(m0 + i, o4 + 8u, out_c4, acc[2u * i + 1u]); }
  }
}
