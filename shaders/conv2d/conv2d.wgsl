// conv2d forward as a tiled implicit GEMM: y[m, o] = act(Σ_k A[m, k]·w[k, o] + bias[o]) where
// m = (n·outH + oh)·outW + ow is an output pixel, k = (kh·kW + kw)·inC + c a filter tap, and
// A[m, k] = x[n, oh·strideH - padTop + kh·dilationH, ow·strideW - padLeft + kw·dilationW, c]
// (0 in the padding) is the im2col matrix. A is never materialised: each K step gathers a tile
// of it from x straight into workgroup memory.
// Layout: x NHWC [batch, inH, inW, inC]; w HWIO [kH, kW, inC, outC], i.e. row-major [K, outC];
// bias [outC]; y NHWC [batch, outH, outW, outC], i.e. row-major [M, outC].
// Bindings: 0 x, 1 w, 2 bias (read; not read when HAS_BIAS is false), 3 y (write), 4 uniforms
// (Params of common/conv_params.wgsl).
// Dispatch: workgroups (x + y·nwg.x) walk the M tiles of BM = WG_M·TM pixels, z the outC tiles
// of BN = WG_N·TN channels. Per K step of BK taps the workgroup stages a BM x BK tile of A and a
// BK x BN tile of w (vec4 tiles, k-major); invocation (tx, ty) then accumulates in registers the
// TM x TN outputs at rows ty·TM.., columns tx·TN.. of the tile (common/gemm_tiles.wgsl).
// conv_activation(v, alpha) is the generated prelude calling op_<activation> of
// shaders/common/unary_ops.wgsl.
//!include conv2d/common/conv_params.wgsl
//!include conv2d/common/gemm_tiles.wgsl
//!include common/unary_ops.wgsl

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> u: Params;

// The tile shape (WG_M, WG_N, TM, TN, BK), a_tile, b_tile and multiply_staged_tiles are those of
// common/gemm_tiles.wgsl.
override HAS_BIAS: bool = false;

@compute @workgroup_size(WG_N, WG_M)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_id) lid3: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let threads = WG_M * WG_N;
  let m_tile = wid.x + wid.y * nwg.x;
  if (m_tile >= u.m_tiles) { return; }  // uniform: the whole workgroup leaves
  let m0 = m_tile * BM;
  let n0 = wid.z * BN;
  let tx = lid3.x;
  let ty = lid3.y;

  // This invocation stages A column a_col of each step for rows a_row0 + i·a_row_step: decode
  // their pixels once.
  let a_col = lid % BK;
  let a_row0 = lid / BK;
  let a_row_step = threads / BK;
  let a_loads = BM * BK / threads;
  var row_base: array<u32, MAX_LOADS>;
  var row_ih: array<i32, MAX_LOADS>;
  var row_iw: array<i32, MAX_LOADS>;
  var row_ok: array<bool, MAX_LOADS>;
  for (var i = 0u; i < a_loads; i++) {
    let m = m0 + a_row0 + i * a_row_step;
    let ow = m % u.out_w;
    let t = m / u.out_w;
    let oh = t % u.out_h;
    let n = t / u.out_h;
    row_ok[i] = m < u.m;
    row_base[i] = n * u32(u.in_h * u.in_w) * u.in_c;
    row_ih[i] = i32(oh) * u.stride_h - u.pad_top;
    row_iw[i] = i32(ow) * u.stride_w - u.pad_left;
  }
  let b_loads = (BK * BN + threads - 1u) / threads;

  var acc: array<vec4f, 16>;  // [TM][TN / 4]
  for (var i = 0u; i < TM * TN / 4u; i++) { acc[i] = vec4f(0.0); }

  // Tap k = k0 + a_col as (kh, kw, c), advanced by BK per step without dividing (integer
  // division is slow on GPUs and runs once per lane on CPU drivers).
  var c = a_col % u.in_c;
  var kw = (a_col / u.in_c) % u.k_w;
  var kh = a_col / (u.in_c * u.k_w);
  for (var k0 = 0u; k0 < u.k; k0 += BK) {
    let k_ok = k0 + a_col < u.k;
    let dh = i32(kh) * u.dilation_h;
    let dw = i32(kw) * u.dilation_w;
    for (var i = 0u; i < a_loads; i++) {
      let ih = row_ih[i] + dh;
      let iw = row_iw[i] + dw;
      var v = 0.0;
      if (k_ok && row_ok[i] && ih >= 0 && ih < u.in_h && iw >= 0 && iw < u.in_w) {
        v = x[row_base[i] + u32(ih * u.in_w + iw) * u.in_c + c];
      }
      let at = a_col * BM + a_row0 + i * a_row_step;
      a_tile[at / 4u][at % 4u] = v;
    }
    // Rows k0.. of the [K, outC] filter: consecutive invocations read consecutive channels.
    for (var j = 0u; j < b_loads; j++) {
      let e = lid + j * threads;
      if (e < BK * BN) {
        let kb = k0 + e / BN;
        let o = n0 + e % BN;
        var v = 0.0;
        if (kb < u.k && o < u.out_c) { v = w[kb * u.out_c + o]; }
        b_tile[e / 4u][e % 4u] = v;
      }
    }
    c += u.step_c;
    var taps = u.step_taps;
    if (c >= u.in_c) {
      c -= u.in_c;
      taps += 1u;
    }
    kw += taps;
    while (kw >= u.k_w) {
      kw -= u.k_w;
      kh += 1u;
    }
    workgroupBarrier();
    multiply_staged_tiles(tx, ty, &acc);
    workgroupBarrier();
  }

  for (var i = 0u; i < TM; i++) {
    let m = m0 + ty * TM + i;
    if (m >= u.m) { break; }
    for (var j = 0u; j < TN; j++) {
      let o = n0 + tx * TN + j;
      if (o >= u.out_c) { break; }
      var v = acc[i * (TN / 4u) + j / 4u][j % 4u];
      if (HAS_BIAS) { v += bias[o]; }
      y[m * u.out_c + o] = conv_activation(v, u.alpha);
    }
  }
}
