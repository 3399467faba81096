// conv2d_backprop_input: dx[n, ih, iw, c] = Σ_{kh, kw, o} dy[n, oh, ow, o]·w[kh, kw, c, o] over the
// taps that land on an output: ih + padTop = oh·strideH + kh·dilationH (likewise for columns).
// A transposed convolution, computed as a tiled implicit GEMM per stride phase: input pixels whose
// (ih + padTop) mod strideH = rh and (iw + padLeft) mod strideW = rw all receive exactly the taps
// kh·dilationH ≡ rh and kw·dilationW ≡ rw (mod stride), so within a phase
//   dx[m, c] = Σ_k A[m, k]·B[k, c],  m = (n, qh, qw) a pixel of the phase, k = (th, tw, o),
//   A[m, k] = dy[n, oh, ow, o] (0 off the output), B[k, c] = w[kh, kw, c, o],
// with kh = kh0 + th·stepH running over the phase's taps only: no tap that misses is visited, and
// oh = jh - (kh·dilationH - rh) / strideH needs no division per element (jh = (ih + padTop - rh) / strideH).
// Layout: dy NHWC [batch, outH, outW, outC]; w HWIO [kH, kW, inC, outC]; dx NHWC [batch, inH, inW, inC].
// Bindings: 0 dy, 1 w (read), 2 dx (write), 3 uniforms.
// Dispatch: workgroups (x + y·nwg.x) walk the M tiles of BM = WG_M·TM pixels of a phase (sized for
// the largest phase; others leave early), z = cTile·strideH·strideW + phase. Per K step of BK taps
// the workgroup stages BM x BK of A and BK x BN of B (vec4 tiles, k-major); invocation (tx, ty)
// accumulates in registers the TM x TN outputs at rows ty·TM.., columns tx·TN.. of the tile.
// Every dx element belongs to one phase and is written once (0 where no tap lands).
//!include conv2d/common/conv_params.wgsl
//!include conv2d/common/gemm_tiles.wgsl

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

// Tile shape (as in conv2d.wgsl), a_tile, b_tile and multiply_staged_tiles: common/gemm_tiles.wgsl.

// The taps k·dilation ≡ r (mod stride) of one dimension: first, step and count.
struct Taps {
  first: u32,
  step: u32,
  count: u32,
}

fn phase_taps(r: i32, k: u32, stride: i32, dilation: i32) -> Taps {
  var step = 1;
  while ((step * dilation) % stride != 0) { step++; }
  var first = 0;
  while (first < step && (first * dilation) % stride != r) { first++; }
  if (first >= step || u32(first) >= k) { return Taps(0u, 1u, 0u); }
  return Taps(u32(first), u32(step), (k - u32(first) + u32(step) - 1u) / u32(step));
}

// First input row/column of a phase and how many rows/columns it has.
fn phase_start(r: i32, pad: i32, stride: i32) -> i32 {
  return ((r - pad) % stride + stride) % stride;
}

fn phase_len(start: i32, size: i32, stride: i32) -> u32 {
  if (start >= size) { return 0u; }
  return u32((size - start + stride - 1) / stride);
}

@compute @workgroup_size(WG_N, WG_M)
fn main(
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
  @builtin(local_invocation_id) lid3: vec3u,
  @builtin(local_invocation_index) lid: u32,
) {
  let threads = WG_M * WG_N;
  let phases = u32(u.stride_h * u.stride_w);
  let phase = wid.z % phases;
  let c0 = (wid.z / phases) * BN;
  let rh = i32(phase) / u.stride_w;
  let rw = i32(phase) % u.stride_w;
  let ih_first = phase_start(rh, u.pad_top, u.stride_h);
  let iw_first = phase_start(rw, u.pad_left, u.stride_w);
  let rows_h = phase_len(ih_first, u.in_h, u.stride_h);
  let rows_w = phase_len(iw_first, u.in_w, u.stride_w);
  let m_count = u.batch * rows_h * rows_w;
  let m_tile = wid.x + wid.y * nwg.x;
  let m0 = m_tile * BM;
  // Uniform exits: tiles past this phase's pixels (or past the grid) leave as a whole workgroup.
  if (m_tile >= u.m_tiles || m0 >= m_count) { return; }
  let taps_h = phase_taps(rh, u.k_h, u.stride_h, u.dilation_h);
  let taps_w = phase_taps(rw, u.k_w, u.stride_w, u.dilation_w);
  let k_count = taps_h.count * taps_w.count * u.out_c;
  let tx = lid3.x;
  let ty = lid3.y;

  // This invocation stages A rows a_row0 + i·a_row_step: decode their pixels once.
  let a_col = lid % BK;
  let a_row0 = lid / BK;
  let a_row_step = threads / BK;
  let a_loads = BM * BK / threads;
  var row_base: array<u32, MAX_LOADS>;  // n·outH·outW·outC
  var row_jh: array<i32, MAX_LOADS>;
  var row_jw: array<i32, MAX_LOADS>;
  var row_ok: array<bool, MAX_LOADS>;
  for (var i = 0u; i < a_loads; i++) {
    let m = m0 + a_row0 + i * a_row_step;
    let qw = m % rows_w;
    let t = m / rows_w;
    let qh = t % rows_h;
    let n = t / rows_h;
    row_ok[i] = m < m_count;
    row_base[i] = n * u32(u.out_h * u.out_w) * u.out_c;
    row_jh[i] = (ih_first + i32(qh) * u.stride_h + u.pad_top - rh) / u.stride_h;
    row_jw[i] = (iw_first + i32(qw) * u.stride_w + u.pad_left - rw) / u.stride_w;
  }
  let b_loads = (BN + a_row_step - 1u) / a_row_step;
  // The output row of tap th is jh - (kh·dilationH - rh) / strideH with kh = first + th·step:
  // shift = shift0 + th·shift1, both exact.
  let shift0_h = (i32(taps_h.first) * u.dilation_h - rh) / u.stride_h;
  let shift1_h = i32(taps_h.step) * u.dilation_h / u.stride_h;
  let shift0_w = (i32(taps_w.first) * u.dilation_w - rw) / u.stride_w;
  let shift1_w = i32(taps_w.step) * u.dilation_w / u.stride_w;

  var acc: array<vec4f, 16>;  // [TM][TN / 4]
  for (var i = 0u; i < TM * TN / 4u; i++) { acc[i] = vec4f(0.0); }

  // Reduction index k = k0 + a_col of this invocation as (th, tw, o), advanced by BK per step
  // without dividing; BK = step_t·outC + step_o.
  let cnt_w = max(taps_w.count, 1u);
  var o = a_col % u.out_c;
  var tw = (a_col / u.out_c) % cnt_w;
  var th = a_col / (u.out_c * cnt_w);
  for (var k0 = 0u; k0 < k_count; k0 += BK) {
    let k_ok = k0 + a_col < k_count;
    let shift_h = shift0_h + i32(th) * shift1_h;
    let shift_w = shift0_w + i32(tw) * shift1_w;
    for (var i = 0u; i < a_loads; i++) {
      let oh = row_jh[i] - shift_h;
      let ow = row_jw[i] - shift_w;
      var v = 0.0;
      if (k_ok && row_ok[i] && oh >= 0 && oh < i32(u.out_h) && ow >= 0 && ow < i32(u.out_w)) {
        v = dy[row_base[i] + u32(oh * i32(u.out_w) + ow) * u.out_c + o];
      }
      let at = a_col * BM + a_row0 + i * a_row_step;
      a_tile[at / 4u][at % 4u] = v;
    }
    let kh = taps_h.first + th * taps_h.step;
    let kw = taps_w.first + tw * taps_w.step;
    let w_base = (kh * u.k_w + kw) * u.in_c * u.out_c + o;
    for (var j = 0u; j < b_loads; j++) {
      let col = a_row0 + j * a_row_step;
      if (col < BN) {
        let c = c0 + col;
        var v = 0.0;
        if (k_ok && c < u.in_c) { v = w[w_base + c * u.out_c]; }
        let bt = a_col * BN + col;
        b_tile[bt / 4u][bt % 4u] = v;
      }
    }
    o += u.step_o;
    var t_inc = u.step_t;
    if (o >= u.out_c) {
      o -= u.out_c;
      t_inc += 1u;
    }
    tw += t_inc;
    while (tw >= cnt_w) {
      tw -= cnt_w;
      th += 1u;
    }
    workgroupBarrier();
    multiply_staged_tiles(tx, ty, &acc);
    workgroupBarrier();
  }

  for (var i = 0u; i < TM; i++) {
    let m = m0 + ty * TM + i;
    if (m >= m_count) { break; }
    let qw = m % rows_w;
    let t = m / rows_w;
    let qh = t % rows_h;
    let n = t / rows_h;
    let ih = u32(ih_first) + qh * u32(u.stride_h);
    let iw = u32(iw_first) + qw * u32(u.stride_w);
    let base = ((n * u32(u.in_h) + ih) * u32(u.in_w) + iw) * u.in_c;
    for (var j = 0u; j < TN; j++) {
      let c = c0 + tx * TN + j;
      if (c >= u.in_c) { break; }
      dx[base + c] = acc[i * (TN / 4u) + j / 4u][j % 4u];
    }
  }
}
