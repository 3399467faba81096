// Winograd F(4x4, 3x3) filter transform for the conv2d input gradient (src/kernel_ids/winograd.ts):
// U[ξ][c][o] = (G f Gᵀ)[ξ] with f[kh][kw] = w[2-kh][2-kw][c][o], the filter flipped and its
// channels swapped: U[ξ] is the [in_c, out_c] matrix the batched product multiplies V[ξ]
// ([out_c, tiles]) by.
// Layout: w [3, 3, in_c, out_c]; u [36, in_c, out_c]; both read as vec4s of output channels
// (out_c is a multiple of 4; src/ops/conv_winograd.ts takes this path only then).
// Bindings: 0 w (read), 1 u (write), 2 uniforms (Params of common/winograd_params.wgsl).
// Dispatch: one invocation per (c, vec4 of o), o fastest (neighbouring reads and writes),
// ceil(out_c / 4 · in_c / WG) workgroups on a 2-D grid. vec4s because lavapipe pays per lane and
// access: one scalar (c, o) per invocation made 36 stores for 36 values, and the article's third
// layer's input gradient ran slower that way.
//!include common/indexing.wgsl
//!include conv2d/common/winograd_params.wgsl

@group(0) @binding(0) var<storage, read> w: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> u: array<vec4f>;
@group(0) @binding(2) var<uniform> p: Params;

override WG: u32 = 64u;

// G·(x0, x1, x2)ᵀ: G is 6x3, rows (1/4, 0, 0), -(1, 1, 1)/6, -(1, -1, 1)/6, (1/24, 1/12, 1/6),
// (1/24, -1/12, 1/6), (0, 0, 1).
fn g3(x: array<vec4f, 3>) -> array<vec4f, 6> {
  let even = x[0] + x[2];
  let a = x[0] / 24.0 + x[2] / 6.0;
  let b = x[1] / 12.0;
  return array<vec4f, 6>(x[0] / 4.0, -(even + x[1]) / 6.0, -(even - x[1]) / 6.0, a + b, a - b, x[2]);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WG);
  let o4s = p.out_c / 4u;
  if (i >= o4s * p.in_c) { return; }
  let o4 = i % o4s;
  let c = i / o4s;
  // G·f: 6x3, column by column of f.
  var gf: array<vec4f, 18>;
  for (var kw = 0u; kw < 3u; kw++) {
    var col: array<vec4f, 3>;
    for (var kh = 0u; kh < 3u; kh++) {
      col[kh] = w[(((2u - kh) * 3u + (2u - kw)) * p.in_c + c) * o4s + o4];
    }
    let r = g3(col);
    for (var row = 0u; row < 6u; row++) { gf[row * 3u + kw] = r[row]; }
  }
  // (G·f)·Gᵀ: each row of G·f through G.
  for (var row = 0u; row < 6u; row++) {
    let r = g3(array<vec4f, 3>(gf[row * 3u], gf[row * 3u + 1u], gf[row * 3u + 2u]));
    for (var col = 0u; col < 6u; col++) { u[((row * 6u + col) * p.in_c + c) * o4s + o4] = r[col]; }
  }
}
