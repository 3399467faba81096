// col2im ("fold", as PyTorch names it) for the input gradient of conv2d computed as one matrix
// product: cols = dy·wᵀ holds, for every output pixel p and filter tap (kh, kw), the in_c values
// that tap sends back to the input pixel it read; this shader sums them per input pixel:
// dx[n,ih,iw,c] = Σ over taps (kh,kw) landing on an output (oh,ow) of cols[p, (kh·k_w + kw)·in_c + c],
// p = (n·out_h + oh)·out_w + ow, with oh = (ih + pad_top - kh·dilation_h) / stride_h when that
// divides exactly and is in range (likewise ow). A gather: no two invocations write one value.
// Layout: cols [batch·out_h·out_w, k_h·k_w·in_c], dx [batch,in_h,in_w,in_c], both read as vec4s
// of channels (in_c is a multiple of 4; src/ops/conv_primitives.ts takes this path only then).
// Bindings: 0 cols (read), 1 dx (write), 2 uniforms (Params of
// common/direct_params.wgsl, with n the number of strips below).
// Dispatch: workgroups (x + y·nwg.x) walk the strips of WG_Y·PIXELS pixels, z the blocks of 8
// vec4 channels. Invocation (lane, g) sums vec4 channel 8·z + lane of a strip of PIXELS
// consecutive pixels of one dx row.
// Why strips: lavapipe runs the 8 lanes of a row as SIMD lanes and divides per lane, one scalar
// division each; one invocation per dx vec4 spent more time finding its pixel (and, at every tap,
// testing the stride) than reading its 9 values.
//!include conv2d/common/direct_params.wgsl

@group(0) @binding(0) var<storage, read> cols: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> dx: array<vec4f>;
@group(0) @binding(2) var<uniform> u: Params;

override WG_Y: u32 = 8u;
// Stride 1 on both axes: every tap lands on an output, with no division.
override UNIT_STRIDE: bool = true;
// Consecutive dx pixels of one row per invocation. Measured on lavapipe (the article's and MNIST's
// 32-64 channel layers): 16 as fast as 8 on wide rows, and a third faster on MNIST's 13-pixel
// rows (one strip each); 4 slower everywhere.
const PIXELS: u32 = 16u;

// The output row or column (oh for t = ih + pad_top - kh·dilation_h) or -1 when none.
fn landing(t: i32, stride: u32, size: u32) -> i32 {
  if (t < 0) { return -1; }
  var o = u32(t);
  if (!UNIT_STRIDE) {
    if (o % stride != 0u) { return -1; }
    o = o / stride;
  }
  return select(-1, i32(o), o < size);
}

@compute @workgroup_size(8, WG_Y)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let strip = (wid.x + wid.y * nwg.x) * WG_Y + lid.y;
  if (strip >= u.n) { return; }
  let c4s = u.in_c / 4u;
  let c4 = wid.z * 8u + lid.x;
  // Lanes past the last channel read the last one and store nothing.
  let c = min(c4, c4s - 1u);
  let strips_per_row = (u.in_w + PIXELS - 1u) / PIXELS;
  let iw0 = (strip % strips_per_row) * PIXELS;
  let image_row = strip / strips_per_row;
  let ih = image_row % u.in_h;
  let b = image_row / u.in_h;
  let row = u.k_h * u.k_w * c4s;
  var acc: array<vec4f, PIXELS>;
  for (var kh = 0u; kh < u.k_h; kh++) {
    let oh = landing(i32(ih + u.pad_top) - i32(kh * u.dilation_h), u.stride_h, u.out_h);
    if (oh < 0) { continue; }
    let pixel_row = (b * u.out_h + u32(oh)) * u.out_w;
    for (var kw = 0u; kw < u.k_w; kw++) {
      let tap = (kh * u.k_w + kw) * c4s + c;
      let t0 = i32(iw0 + u.pad_left) - i32(kw * u.dilation_w);
      for (var j = 0u; j < PIXELS; j++) {
        let ow = landing(t0 + i32(j), u.stride_w, u.out_w);
        if (ow >= 0) { acc[j] += cols[(pixel_row + u32(ow)) * row + tap]; }
      }
    }
  }
  if (c4 >= c4s) { return; }
  let out = (image_row * u.in_w + iw0) * c4s + c4;
  for (var j = 0u; j < PIXELS; j++) {
    if (iw0 + j < u.in_w) { dx[out + j * c4s] = acc[j]; }
  }
}
