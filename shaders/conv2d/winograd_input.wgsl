// Winograd F(4x4, 3x3) input transform for the conv2d input gradient (src/kernel_ids/winograd.ts):
// V[ξ][o][t] = (Bᵀ d B)[ξ], d the 6x6 window of the laid-out dy that tile t of dx reads (zero
// in the gaps between images and outside); columns t from `tiles` to tile_stride are zero.
// Layout: dy [batch, out_h, out_w, out_c], read as vec4s of channels (out_c is a multiple of 4;
// src/ops/conv_winograd.ts takes this path only then); v [36, out_c, tile_stride].
// Bindings: 0 dy (read), 1 v (write), 2 uniforms (Params of common/winograd_params.wgsl).
// Dispatch: workgroups (x + y·nwg.x) walk the tiles, 8 per workgroup; z the blocks of WG_Y vec4
// channels. Invocation (lane, row) transforms tile 8·block + lane for vec4 channel
// WG_Y·z + row. Lanes take neighbouring tiles, so that each of the 144 stores (one row of V per
// channel and position) is contiguous across them: V's rows run along tiles because the batched
// product is fastest with the tiles as its columns (on lavapipe about a quarter faster than with
// the tiles as rows; docs/lavapipe.md).
//!include conv2d/common/winograd_params.wgsl

@group(0) @binding(0) var<storage, read> dy: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> v: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

override WG_Y: u32 = 8u;

// Bᵀ·x: Bᵀ is 6x6, rows (4, 0, -5, 0, 1, 0), (0, -4, -4, 1, 1, 0), (0, 4, -4, -1, 1, 0),
// (0, -2, -1, 2, 1, 0), (0, 2, -1, -2, 1, 0), (0, 4, 0, -5, 0, 1).
fn bt6(x: array<vec4f, 6>) -> array<vec4f, 6> {
  let s = x[4] - x[2];
  let d = 2.0 * (x[1] - x[3]);
  return array<vec4f, 6>(
    4.0 * x[0] - 5.0 * x[2] + x[4],
    x[3] + x[4] - 4.0 * (x[1] + x[2]),
    x[4] - x[3] + 4.0 * (x[1] - x[2]),
    s - d,
    s + d,
    4.0 * x[1] - 5.0 * x[3] + x[5],
  );
}

@compute @workgroup_size(8, WG_Y)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let t = (wid.x + wid.y * nwg.x) * 8u + lid.x;
  let c4s = p.out_c / 4u;
  let c4 = wid.z * WG_Y + lid.y;
  if (t >= p.tile_stride || c4 >= c4s) { return; }
  let r0 = i32((t / p.tiles_w) * 4u) - i32(p.shift_top);
  let c0 = i32((t % p.tiles_w) * 4u) - i32(p.shift_left);
  // Where the window's rows and columns lie: the first image of the grid row and the pixel row
  // within the batch (rows), the grid column and the pixel offset (columns); -1 in a gap or
  // outside.
  var row_image: array<i32, 6>;
  var row_pixel: array<u32, 6>;
  var col_image: array<i32, 6>;
  var col_pixel: array<u32, 6>;
  let image_pixels = p.out_h * p.out_w;
  for (var i = 0u; i < 6u; i++) {
    row_image[i] = -1;
    row_pixel[i] = 0u;
    let r = r0 + i32(i);
    if (t < p.tiles && r >= 0) {
      let gy = u32(r) / p.row_period;
      let h = u32(r) % p.row_period;
      if (h < p.out_h) {
        row_image[i] = i32(gy * p.grid_w);
        row_pixel[i] = gy * p.grid_w * image_pixels + h * p.out_w;
      }
    }
    col_image[i] = -1;
    col_pixel[i] = 0u;
    let c = c0 + i32(i);
    if (c >= 0) {
      let gx = u32(c) / p.col_period;
      let w = u32(c) % p.col_period;
      if (gx < p.grid_w && w < p.out_w) {
        col_image[i] = i32(gx);
        col_pixel[i] = gx * image_pixels + w;
      }
    }
  }
  // The window d. Every element is assigned, zero outside dy, rather than left to the
  // declaration's zero: a first version that did that with an array declared inside a loop read
  // the previous iteration's values on lavapipe (not reproduced in a small shader since).
  var d: array<vec4f, 36>;
  for (var i = 0u; i < 6u; i++) {
    for (var j = 0u; j < 6u; j++) {
      d[i * 6u + j] = vec4f(0.0);
      let n = row_image[i] + col_image[j];
      if (row_image[i] >= 0 && col_image[j] >= 0 && u32(n) < p.batch) { d[i * 6u + j] = dy[(row_pixel[i] + col_pixel[j]) * c4s + c4]; }
    }
  }
  // Bᵀ·d column by column.
  var bd: array<vec4f, 36>;
  for (var j = 0u; j < 6u; j++) {
    let r = bt6(array<vec4f, 6>(d[j], d[6u + j], d[12u + j], d[18u + j], d[24u + j], d[30u + j]));
    for (var i = 0u; i < 6u; i++) { bd[i * 6u + j] = r[i]; }
  }
  // (Bᵀ·d)·B: each row through Bᵀ; each vec4 goes to the rows of its four channels.
  let ts = p.tile_stride;
  for (var i = 0u; i < 6u; i++) {
    let r = bt6(array<vec4f, 6>(bd[i * 6u], bd[i * 6u + 1u], bd[i * 6u + 2u], bd[i * 6u + 3u], bd[i * 6u + 4u], bd[i * 6u + 5u]));
    for (var j = 0u; j < 6u; j++) {
      let at = ((i * 6u + j) * p.out_c + 4u * c4) * ts + t;
      v[at] = r[j].x;
      v[at + ts] = r[j].y;
      v[at + 2u * ts] = r[j].z;
      v[at + 3u * ts] = r[j].w;
    }
  }
}
