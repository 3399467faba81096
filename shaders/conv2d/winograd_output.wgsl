// Winograd F(4x4, 3x3) output transform for the conv2d input gradient (src/kernel_ids/winograd.ts):
// the 4x4 tile t of the laid-out dx is Aᵀ m A, m the 6x6 values M[ξ][c][t] of the batched
// product; each value goes to its image's pixel of dx, and values in the gaps between images or
// outside them are not stored.
// Layout: m [36, in_c, tile_stride]; dx [batch, in_h, in_w, in_c], written as vec4s of channels
// (in_c is a multiple of 4).
// Bindings: 0 m (read), 1 dx (write), 2 uniforms (Params of common/winograd_params.wgsl).
// Dispatch: as winograd_input.wgsl, over dx's vec4 channels: lanes take neighbouring tiles, so
// that each of the 144 loads is contiguous across them.
//!include conv2d/common/winograd_params.wgsl

@group(0) @binding(0) var<storage, read> m: array<f32>;
@group(0) @binding(1) var<storage, read_write> dx: array<vec4f>;
@group(0) @binding(2) var<uniform> p: Params;

override WG_Y: u32 = 8u;

// Aᵀ·x: Aᵀ is 4x6, rows (1, 1, 1, 1, 1, 0), (0, 1, -1, 2, -2, 0), (0, 1, 1, 4, 4, 0),
// (0, 1, -1, 8, -8, 1).
fn at6(x: array<vec4f, 6>) -> array<vec4f, 4> {
  let a = x[1] + x[2];
  let b = x[1] - x[2];
  let c = x[3] + x[4];
  let d = x[3] - x[4];
  return array<vec4f, 4>(x[0] + a + c, b + 2.0 * d, a + 4.0 * c, b + 8.0 * d + x[5]);
}

@compute @workgroup_size(8, WG_Y)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let t = (wid.x + wid.y * nwg.x) * 8u + lid.x;
  let c4s = p.in_c / 4u;
  let c4 = wid.z * WG_Y + lid.y;
  if (t >= p.tiles || c4 >= c4s) { return; }
  let ts = p.tile_stride;
  // Aᵀ·m column by column: 4x6.
  var am: array<vec4f, 24>;
  for (var j = 0u; j < 6u; j++) {
    var col: array<vec4f, 6>;
    for (var i = 0u; i < 6u; i++) {
      let at = ((i * 6u + j) * p.in_c + 4u * c4) * ts + t;
      col[i] = vec4f(m[at], m[at + ts], m[at + 2u * ts], m[at + 3u * ts]);
    }
    let r = at6(col);
    for (var i = 0u; i < 4u; i++) { am[i * 6u + j] = r[i]; }
  }
  let r0 = (t / p.tiles_w) * 4u;
  let c0 = (t % p.tiles_w) * 4u;
  // (Aᵀ·m)·A: each row through Aᵀ, stored where it lies inside an image of dx.
  for (var i = 0u; i < 4u; i++) {
    let gy = (r0 + i) / p.row_period;
    let h = (r0 + i) % p.row_period;
    if (h >= p.in_h) { continue; }
    let r = at6(array<vec4f, 6>(am[i * 6u], am[i * 6u + 1u], am[i * 6u + 2u], am[i * 6u + 3u], am[i * 6u + 4u], am[i * 6u + 5u]));
    for (var j = 0u; j < 4u; j++) {
      let gx = (c0 + j) / p.col_period;
      let w = (c0 + j) % p.col_period;
      let n = gy * p.grid_w + gx;
      if (gx < p.grid_w && w < p.in_w && n < p.batch) { dx[((n * p.in_h + h) * p.in_w + w) * c4s + c4] = r[j]; }
    }
  }
}
