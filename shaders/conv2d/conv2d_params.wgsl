// The uniform struct of the conv2d forward shaders (conv2d.wgsl and conv2d_vec4.wgsl), placed
// before each in its prelude by src/backend/webgpu/dispatch/conv.ts.

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
  // M = batch·outH·outW output pixels, K = kH·kW·inC taps.
  m: u32,
  k: u32,
  m_tiles: u32,
  // BK = step_taps·inC + step_c: how far the tap index moves per K step.
  step_taps: u32,
  step_c: u32,
  alpha: f32,
}
