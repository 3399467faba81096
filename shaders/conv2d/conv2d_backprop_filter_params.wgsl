// The uniform struct of the filter-gradient shaders (conv2d_backprop_filter.wgsl and
// conv2d_backprop_filter_vec4.wgsl), placed before each in its prelude by
// src/backend/webgpu/dispatch/conv.ts.

struct Params {
  in_h: i32,
  in_w: i32,
  in_c: u32,
  out_h: u32,
  out_w: u32,
  out_c: u32,
  k_w: u32,
  stride_h: i32,
  stride_w: i32,
  dilation_h: i32,
  dilation_w: i32,
  pad_top: i32,
  pad_left: i32,
  // Rows of the gradient (kH·kW·inC), output pixels, and the split of the pixels.
  m: u32,
  pixels: u32,
  splits: u32,
  chunk: u32,
  // BK = step_rows·outW + step_cols: how far the pixel index moves per step.
  step_rows: u32,
  step_cols: u32,
}
