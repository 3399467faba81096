// Input gradient of a stride-1, undilated conv2d with 1 to 4 input channels (an image's) and
// output channels in whole vec4s: dx[n,ih,iw,c] = Σ over taps (kh,kw) and o of
// dy[n, ih+pad_top-kh, iw+pad_left-kw, o]·w[kh,kw,c,o] (dy terms outside dy are 0), as
// conv2d_backprop_input_direct.wgsl (same layouts and uniforms; dy and w bound as vec4s along o).
// Each invocation owns a tile of S rows x R columns of dx pixels, all IN_C channels. Per vec4 of
// output channels it loads the K_H·K_W·IN_C filter vec4s once, then reads each of the
// (S+K_H-1) x (R+K_W-1) dy pixels under the tile once and adds it into every tile pixel it
// reaches (up to K_H·K_W·IN_C dot products per read).
// Why this shape: software Vulkan (lavapipe, the no-GPU target) runs 8 invocations as the SIMD
// lanes of one CPU thread, and dy reads differ per lane whatever the layout, so each is shared by
// many products; the filter reads depend only on loop counters (the same cache line in every lane).
// On lavapipe this ran MNIST's first layer (64x28x28x1 from 32 channels) several times faster
// than conv2d_backprop_input_direct_vec4.wgsl, whose lanes split the output channels, and the
// article's first layer 2-3x faster (docs/lavapipe.md). Hoisting the filter vec4s out of the tap
// loops halved the time; vec4 accumulators (a sum per component) were 2-3x slower than scalar
// dot products.
// The loops inside the channel loop have constant trip counts: the compiler unrolls them and
// keeps acc and wv in registers (S·R·IN_C <= 96 and K_H·K_W·IN_C <= 36, checked by
// src/backend/webgpu/dispatch/conv.ts).
// Dispatch: workgroups (x + y·nwg.x) of 64 invocations walk the tiles, row-major per image.
//!include conv2d/common/direct_params.wgsl

@group(0) @binding(0) var<storage, read> dy: array<vec4f>;
@group(0) @binding(1) var<storage, read> w: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

// Tile rows and columns; input channels (1 to 4); filter size.
override S: u32 = 2u;
override R: u32 = 8u;
override IN_C: u32 = 3u;
override K_H: u32 = 3u;
override K_W: u32 = 3u;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lix: u32) {
  let tiles_w = (u.in_w + R - 1u) / R;
  let tiles_h = (u.in_h + S - 1u) / S;
  let images = u.n / (u.in_h * u.in_w * IN_C);
  let tile = (wid.x + wid.y * nwg.x) * 64u + lix;
  if (tile >= images * tiles_h * tiles_w) { return; }
  let tw = tile % tiles_w;
  let th = (tile / tiles_w) % tiles_h;
  let b = tile / (tiles_w * tiles_h);
  let ih0 = th * S;
  let iw0 = tw * R;
  let out_c4 = u.out_c / 4u;
  // The dy pixel under window row i, column j (signed: the window starts above and left of dy).
  let oh0 = i32(ih0 + u.pad_top) - i32(K_H - 1u);
  let ow0 = i32(iw0 + u.pad_left) - i32(K_W - 1u);

  // acc[(s·R + r)·IN_C + c]; wv[(kh·K_W + kw)·IN_C + c].
  var acc: array<f32, 96>;
  for (var o4 = 0u; o4 < out_c4; o4++) {
    var wv: array<vec4f, 36>;
    for (var t = 0u; t < K_H * K_W * IN_C; t++) { wv[t] = w[t * out_c4 + o4]; }
    for (var i = 0u; i < S + K_H - 1u; i++) {
      let oh = oh0 + i32(i);
      // `&`, not `&&` (no branches; see tap_offset in conv2d_vec4.wgsl).
      let row_inside = (oh >= 0) & (oh < i32(u.out_h));
      let row_at = (b * u.out_h + u32(max(oh, 0))) * u.out_w;
      for (var j = 0u; j < R + K_W - 1u; j++) {
        let ow = ow0 + i32(j);
        let inside = row_inside & (ow >= 0) & (ow < i32(u.out_w));
        // Clamped read, zeroed outside dy.
        let g = select(vec4f(0.0), dy[(row_at + u32(max(ow, 0))) * out_c4 + o4], inside);
        // Window row i meets tile row s through filter row kh = s - i + K_H-1 (columns alike).
        for (var kh = 0u; kh < K_H; kh++) {
          let s = i32(i + kh) - i32(K_H - 1u);
          if ((s < 0) | (s >= i32(S))) { continue; }
          for (var kw = 0u; kw < K_W; kw++) {
            let r = i32(j + kw) - i32(K_W - 1u);
            if ((r < 0) | (r >= i32(R))) { continue; }
            let w_row = (kh * K_W + kw) * IN_C;
            for (var c = 0u; c < IN_C; c++) {
              let k = (u32(s) * R + u32(r)) * IN_C + c;
              acc[k] = acc[k] + dot(g, wv[w_row + c]);
            }
          }
        }
      }
    }
  }

  for (var s = 0u; s < S; s++) {
    let ih = ih0 + s;
    for (var r = 0u; r < R; r++) {
      let iw = iw0 + r;
      if ((ih < u.in_h) & (iw < u.in_w)) {
        let at = ((b * u.in_h + ih) * u.in_w + iw) * IN_C;
        for (var c = 0u; c < IN_C; c++) { dx[at + c] = acc[(s * R + r) * IN_C + c]; }
      }
    }
  }
}
