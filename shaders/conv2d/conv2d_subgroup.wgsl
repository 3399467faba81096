// conv2d forward as an implicit GEMM sharing the im2col matrix through subgroup shuffles:
// y[m, o] = act(Σ_k A[m, k]·w[k, o] + bias[o]) with m an output pixel, k = (kh·kW + kw)·inC + c a
// filter tap and A the im2col matrix gathered from x (0 in the padding), as in conv2d.wgsl (same
// layouts and uniforms: Params of common/conv_params.wgsl), for outC a multiple of 4: w, bias and
// y are bound as vec4s along the channels. Needs the `subgroups` feature with subgroups of 8 to
// WG invocations (src/backend/webgpu/dispatch/conv.ts checks the adapter).
// Bindings: 0 x, 1 w, 2 bias (read; not read when HAS_BIAS is false), 3 y (write), 4 uniforms.
// Dispatch: workgroups (x + y·nwg.x) walk the M tiles of (WG / 8)·TM pixels, z the channel tiles
// of 32·TV channels. Lane (x, y) of a workgroup (matmul/common/subgroup_lanes.wgsl) computes TM
// pixels from (tile·WG/8 + y)·TM and the vec4 channels x + 8·t (t < TV). Per 8 taps each lane of
// a row group gathers one tap of its TM pixels and the group passes them around with
// subgroupShuffle, each lane reading whole vec4s of w: no workgroup memory and no barrier.
// conv_activation(v, alpha) is the generated prelude calling op_<activation> of
// shaders/common/unary_ops.wgsl.
//!include conv2d/common/conv_params.wgsl
//!include matmul/common/subgroup_lanes.wgsl
//!include common/unary_ops.wgsl
enable subgroups;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<vec4f>;
@group(0) @binding(2) var<storage, read> bias: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(4) var<uniform> u: Params;

override WG: u32 = 64u;
// Pixels per lane (4 or 8); vec4 channels per lane (1 or 2).
override TM: u32 = 8u;
override TV: u32 = 1u;
override HAS_BIAS: bool = false;

@compute @workgroup_size(WG)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(subgroup_invocation_id) sid: u32,
  @builtin(subgroup_size) sg_size: u32,
) {
  let lane = dense_lane(sid, sg_size);
  let m_tile = wid.x + wid.y * nwg.x;
  if (m_tile >= u.m_tiles) { return; }  // uniform: the whole workgroup leaves
  let lx = lane % 8u;
  let group_base = sid - lx;
  let m0 = (m_tile * (WG / 8u) + lane / 8u) * TM;
  let out_c4 = u.out_c / 4u;
  let col4 = wid.z * (8u * TV) + lx;
  var cols: array<u32, 2>;
  for (var t = 0u; t < TV; t++) { cols[t] = min(col4 + 8u * t, out_c4 - 1u); }

  // Each pixel's image and window corner (pixels past the end repeat the last one).
  var base: array<u32, 8>;
  var ih0: array<i32, 8>;
  var iw0: array<i32, 8>;
  for (var i = 0u; i < TM; i++) {
    let m = min(m0 + i, u.m - 1u);
    let ow = m % u.out_w;
    let t = m / u.out_w;
    base[i] = (t / u.out_h) * u32(u.in_h * u.in_w) * u.in_c;
    ih0[i] = i32(t % u.out_h) * u.stride_h - u.pad_top;
    iw0[i] = i32(ow) * u.stride_w - u.pad_left;
  }

  var acc: array<vec4f, 16>;  // [TM][TV]
  for (var i = 0u; i < TM * TV; i++) { acc[i] = vec4f(0.0); }
  var mine: array<f32, 8>;
  for (var k0 = 0u; k0 < u.k; k0 += 8u) {
    // This lane's tap of the group's 8, for each of its pixels (0 past the end or in the padding).
    let kk = k0 + lx;
    let c = kk % u.in_c;
    let tap = kk / u.in_c;
    let dh = i32(tap / u.k_w) * u.dilation_h;
    let dw = i32(tap % u.k_w) * u.dilation_w;
    for (var i = 0u; i < TM; i++) {
      let ih = ih0[i] + dh;
      let iw = iw0[i] + dw;
      var v = 0.0;
      if (kk < u.k && ih >= 0 && ih < u.in_h && iw >= 0 && iw < u.in_w) { v = x[base[i] + u32(ih * u.in_w + iw) * u.in_c + c]; }
      mine[i] = v;
    }
    for (var j = 0u; j < 8u; j++) {
      let w_row = min(k0 + j, u.k - 1u) * out_c4;
      var wv: array<vec4f, 2>;
      for (var t = 0u; t < TV; t++) { wv[t] = w[w_row + cols[t]]; }
      for (var i = 0u; i < TM; i++) {
        let av = vec4f(subgroupShuffle(mine[i], group_base + j));
        for (var t = 0u; t < TV; t++) { acc[i * TV + t] = fma(av, wv[t], acc[i * TV + t]); }
      }
    }
  }

  for (var i = 0u; i < TM; i++) {
    let m = m0 + i;
    if (m >= u.m) { break; }
    for (var t = 0u; t < TV; t++) {
      let o4 = col4 + 8u * t;
      if (o4 >= out_c4) { continue; }
      var v = acc[i * TV + t];
      if (HAS_BIAS) { v += bias[o4]; }
      y[m * out_c4 + o4] = vec4f(conv_activation(v.x, u.alpha), conv_activation(v.y, u.alpha), conv_activation(v.z, u.alpha), conv_activation(v.w, u.alpha));
    }
  }
}
