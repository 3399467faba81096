// The uniform struct of the direct input-gradient shaders (conv2d_backprop_input_direct.wgsl,
// conv2d_backprop_input_direct_vec4.wgsl, conv2d_backprop_input_tiles_vec4.wgsl) and of the fold
// (conv2d_fold.wgsl, where n counts strips). Unsigned throughout, unlike conv_params.wgsl.

struct Params {
  in_h: u32,
  in_w: u32,
  in_c: u32,
  out_h: u32,
  out_w: u32,
  out_c: u32,
  k_h: u32,
  k_w: u32,
  stride_h: u32,
  stride_w: u32,
  dilation_h: u32,
  dilation_w: u32,
  pad_top: u32,
  pad_left: u32,
  n: u32,
}
