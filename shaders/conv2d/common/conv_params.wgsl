// The uniform struct of the convolution kernels that index their tensors in signed arithmetic
// (the implicit-GEMM conv2d, conv2d_backprop_filter and conv2d_backprop_input, with their vec4
// variants, and the three depthwise kernels). One struct for all of them: the geometry first
// (src/kernel_ids/conv.ts ConvGeometry; in_* is x or dx, out_* is y or dy), then the members
// one kernel or another uses; src/backend/webgpu/dispatch/conv.ts leaves the others 0.

struct Params {
  in_h: i32,
  in_w: i32,
  in_c: u32,
  out_h: u32,
  out_w: u32,
  out_c: u32,
  k_h: u32,
  k_w: u32,
  stride_h: i32,
  stride_w: i32,
  dilation_h: i32,
  dilation_w: i32,
  pad_top: i32,
  pad_left: i32,
  batch: u32,
  // Depthwise: output channels per input channel.
  multiplier: u32,
  // Elements one dispatch covers (the depthwise forward and input gradient).
  n: u32,
  // The GEMM rows: output pixels (forward), kH·kW·inC taps (filter gradients).
  m: u32,
  // The forward GEMM's reduction, kH·kW·inC, and its tiles along M.
  k: u32,
  m_tiles: u32,
  // The filter gradients' split reduction over `pixels` output pixels, `chunk` pixels each.
  pixels: u32,
  splits: u32,
  chunk: u32,
  // How far a GEMM's reduction index moves per step of BK: step_taps·inC + step_c (forward),
  // step_rows·outW + step_cols (filter gradient), step_t·outC + step_o (input gradient).
  step_taps: u32,
  step_c: u32,
  step_rows: u32,
  step_cols: u32,
  step_t: u32,
  step_o: u32,
  // The forward's fused activation parameter (leaky relu's slope, elu's alpha).
  alpha: f32,
}
