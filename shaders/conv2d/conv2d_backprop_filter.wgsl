// conv2d_backprop_filter: the filter gradient as a tiled implicit GEMM with a split reduction,
//   partial[k, o, z] = Σ_{p in chunk z} A[k, p]·dy[p, o],
// k = (kh·kW + kw)·inC + c a filter tap, p = (n·outH + oh)·outW + ow an output pixel, and
// A[k, p] = x[n, oh·strideH - padTop + kh·dilationH, ow·strideW - padLeft + kw·dilationW, c]
// (0 in the padding): the transposed im2col matrix, gathered from x tile by tile. The op sums the
// `splits` partials (reduce_sum over the last axis) unless there is one.
// Layout: x NHWC [batch, inH, inW, inC]; dy NHWC [batch, outH, outW, outC], i.e. [pixels, outC];
// partial [kH·kW·inC·outC, splits], i.e. [kH, kW, inC, outC, splits].
// Bindings: 0 x, 1 dy (read), 2 partial (write), 3 uniforms (Params of
// common/conv_params.wgsl).
// Dispatch: x the M tiles of BM = WG_M·TM taps, y the outC tiles of BN = WG_N·TN, z the chunks.
// Per step of BK pixels the workgroup stages BM x BK of A and BK x BN of dy (vec4 tiles,
// pixel-major); invocation (tx, ty) accumulates in registers the TM x TN sums at rows ty·TM..,
// columns tx·TN.. of the tile.
//!include conv2d/common/conv_params.wgsl
//!include conv2d/common/gemm_tiles.wgsl

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> partial: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

// Tile shape (as in conv2d.wgsl), a_tile, b_tile and multiply_staged_tiles: common/gemm_tiles.wgsl.

@compute @workgroup_size(WG_N, WG_M)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(local_invocation_id) lid3: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let threads = WG_M * WG_N;
  let m0 = wid.x * BM;
  let n0 = wid.y * BN;
  let z = wid.z;
  let p_begin = z * u.chunk;
  let p_end = min(p_begin + u.chunk, u.pixels);
  let tx = lid3.x;
  let ty = lid3.y;

  // This invocation stages pixel a_col of each step for the taps a_row0 + i·a_row_step: decode
  // the taps once.
  let a_col = lid % BK;
  let a_row0 = lid / BK;
  let a_row_step = threads / BK;
  let a_loads = BM * BK / threads;
  var row_dh: array<i32, MAX_LOADS>;
  var row_dw: array<i32, MAX_LOADS>;
  var row_c: array<u32, MAX_LOADS>;
  var row_ok: array<bool, MAX_LOADS>;
  for (var i = 0u; i < a_loads; i++) {
    let k = m0 + a_row0 + i * a_row_step;
    let tap = k / u.in_c;
    row_ok[i] = k < u.m;
    row_c[i] = k % u.in_c;
    row_dh[i] = i32(tap / u.k_w) * u.dilation_h;
    row_dw[i] = i32(tap % u.k_w) * u.dilation_w;
  }
  let b_loads = (BK * BN + threads - 1u) / threads;

  var acc: array<vec4f, 16>;  // [TM][TN / 4]
  for (var i = 0u; i < TM * TN / 4u; i++) { acc[i] = vec4f(0.0); }

  // Pixel p = p0 + a_col as (n, oh, ow), advanced by BK per step without dividing.
  let p_first = p_begin + a_col;
  var ow = p_first % u.out_w;
  var oh = (p_first / u.out_w) % u.out_h;
  var n = p_first / (u.out_w * u.out_h);
  for (var p0 = p_begin; p0 < p_end; p0 += BK) {
    let p_ok = p0 + a_col < p_end;
    let ih0 = i32(oh) * u.stride_h - u.pad_top;
    let iw0 = i32(ow) * u.stride_w - u.pad_left;
    let x_base = n * u32(u.in_h * u.in_w) * u.in_c;
    for (var i = 0u; i < a_loads; i++) {
      let ih = ih0 + row_dh[i];
      let iw = iw0 + row_dw[i];
      var v = 0.0;
      if (p_ok && row_ok[i] && ih >= 0 && ih < u.in_h && iw >= 0 && iw < u.in_w) {
        v = x[x_base + u32(ih * u.in_w + iw) * u.in_c + row_c[i]];
      }
      let at = a_col * BM + a_row0 + i * a_row_step;
      a_tile[at / 4u][at % 4u] = v;
    }
    // dy rows are contiguous over channels: consecutive invocations read consecutive channels.
    for (var j = 0u; j < b_loads; j++) {
      let e = lid + j * threads;
      if (e < BK * BN) {
        let pb = p0 + e / BN;
        let o = n0 + e % BN;
        var v = 0.0;
        if (pb < p_end && o < u.out_c) { v = dy[pb * u.out_c + o]; }
        b_tile[e / 4u][e % 4u] = v;
      }
    }
    ow += u.step_cols;
    oh += u.step_rows;
    if (ow >= u.out_w) {
      ow -= u.out_w;
      oh += 1u;
    }
    while (oh >= u.out_h) {
      oh -= u.out_h;
      n += 1u;
    }
    workgroupBarrier();
    multiply_staged_tiles(tx, ty, &acc);
    workgroupBarrier();
  }

  for (var i = 0u; i < TM; i++) {
    let k = m0 + ty * TM + i;
    if (k >= u.m) { break; }
    for (var j = 0u; j < TN; j++) {
      let o = n0 + tx * TN + j;
      if (o >= u.out_c) { break; }
      partial[(k * u.out_c + o) * u.splits + z] = acc[i * (TN / 4u) + j / 4u][j % 4u];
    }
  }
}
