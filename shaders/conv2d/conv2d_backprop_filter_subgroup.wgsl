// conv2d_backprop_filter sharing the transposed im2col matrix through subgroup shuffles:
//   partial[k, o, z] = Σ_{p in chunk z} A[k, p]·dy[p, o],
// k = (kh·kW + kw)·inC + c a filter tap, p an output pixel, A[k, p] the x element tap k of
// pixel p reads (0 in the padding), as in conv2d_backprop_filter.wgsl (same layouts and uniforms:
// Params of common/conv_params.wgsl), for outC a multiple of 4: dy is bound as vec4s along the
// channels. Needs the `subgroups` feature with subgroups of 8 to WG invocations
// (src/backend/webgpu/dispatch/conv.ts checks the adapter).
// Bindings: 0 x, 1 dy (read), 2 partial (write), 3 uniforms.
// Dispatch: x the tiles of (WG / 8)·TM taps, y the channel tiles of 32·TV channels, z the chunks.
// Lane (x, y) of a workgroup (matmul/common/subgroup_lanes.wgsl) computes TM taps from
// (tile·WG/8 + y)·TM and the vec4 channels x + 8·t (t < TV). Per 8 pixels each lane of a row group
// gathers one pixel for its TM taps and the group passes them around with subgroupShuffle, each
// lane reading whole vec4s of dy: no workgroup memory and no barrier.
//!include conv2d/common/conv_params.wgsl
//!include matmul/common/subgroup_lanes.wgsl
enable subgroups;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> partial: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

override WG: u32 = 64u;
// Taps per lane (4 or 8); vec4 channels per lane (1 or 2).
override TM: u32 = 8u;
override TV: u32 = 1u;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(subgroup_invocation_id) sid: u32, @builtin(subgroup_size) sg_size: u32) {
  let lane = dense_lane(sid, sg_size);
  let lx = lane % 8u;
  let group_base = sid - lx;
  let k0 = (wid.x * (WG / 8u) + lane / 8u) * TM;
  let out_c4 = u.out_c / 4u;
  let col4 = wid.y * (8u * TV) + lx;
  let z = wid.z;
  let p_begin = z * u.chunk;
  let p_end = min(p_begin + u.chunk, u.pixels);
  var cols: array<u32, 2>;
  for (var t = 0u; t < TV; t++) { cols[t] = min(col4 + 8u * t, out_c4 - 1u); }

  // Each tap's window offset and channel (taps past the end repeat the last one).
  var tap_dh: array<i32, 8>;
  var tap_dw: array<i32, 8>;
  var tap_c: array<u32, 8>;
  for (var i = 0u; i < TM; i++) {
    let k = min(k0 + i, u.m - 1u);
    let tap = k / u.in_c;
    tap_c[i] = k % u.in_c;
    tap_dh[i] = i32(tap / u.k_w) * u.dilation_h;
    tap_dw[i] = i32(tap % u.k_w) * u.dilation_w;
  }

  var acc: array<vec4f, 16>;  // [TM][TV]
  for (var i = 0u; i < TM * TV; i++) { acc[i] = vec4f(0.0); }
  var mine: array<f32, 8>;
  for (var p0 = p_begin; p0 < p_end; p0 += 8u) {
    // This lane's pixel of the group's 8, read for each of its taps (0 past the chunk or in the padding).
    let p = p0 + lx;
    let ow = p % u.out_w;
    let t = p / u.out_w;
    let x_base = (t / u.out_h) * u32(u.in_h * u.in_w) * u.in_c;
    let ih0 = i32(t % u.out_h) * u.stride_h - u.pad_top;
    let iw0 = i32(ow) * u.stride_w - u.pad_left;
    for (var i = 0u; i < TM; i++) {
      let ih = ih0 + tap_dh[i];
      let iw = iw0 + tap_dw[i];
      var v = 0.0;
      if (p < p_end && ih >= 0 && ih < u.in_h && iw >= 0 && iw < u.in_w) { v = x[x_base + u32(ih * u.in_w + iw) * u.in_c + tap_c[i]]; }
      mine[i] = v;
    }
    for (var j = 0u; j < 8u; j++) {
      let dy_row = min(p0 + j, u.pixels - 1u) * out_c4;
      var dv: array<vec4f, 2>;
      for (var tt = 0u; tt < TV; tt++) { dv[tt] = dy[dy_row + cols[tt]]; }
      for (var i = 0u; i < TM; i++) {
        let av = vec4f(subgroupShuffle(mine[i], group_base + j));
        for (var tt = 0u; tt < TV; tt++) { acc[i * TV + tt] = fma(av, dv[tt], acc[i * TV + tt]); }
      }
    }
  }

  for (var i = 0u; i < TM; i++) {
    let k = k0 + i;
    if (k >= u.m) { break; }
    for (var t = 0u; t < TV; t++) {
      let o4 = col4 + 8u * t;
      if (o4 >= out_c4) { continue; }
      let v = acc[i * TV + t];
      let at = (k * u.out_c + 4u * o4) * u.splits + z;
      partial[at] = v.x;
      partial[at + u.splits] = v.y;
      partial[at + 2u * u.splits] = v.z;
      partial[at + 3u * u.splits] = v.w;
    }
  }
}
