// The uniform struct and window arithmetic of 2-D pooling, for the kernels of shaders/pool.
// Tensors are NHWC: x is [batch, in_h, in_w, channels], y is [batch, out_h, out_w, channels].
// Window (oh, ow) covers input rows oh * stride_h - pad_top + [0, pool_h) and the columns
// likewise; positions outside the input are padding and take no part in max or mean.

struct Pool2dParams {
  batch: u32,
  in_h: u32,
  in_w: u32,
  channels: u32,
  out_h: u32,
  out_w: u32,
  pool_h: u32,
  pool_w: u32,
  stride_h: u32,
  stride_w: u32,
  pad_top: u32,
  pad_left: u32,
}

// Returned by window_argmax for a window that lies wholly in the padding.
const POOL_NONE: u32 = 0xffffffffu;

// The valid part of window (oh, ow): input rows [x, y) and columns [z, w).
fn pool_window(p: Pool2dParams, oh: u32, ow: u32) -> vec4i {
  let h0 = i32(oh * p.stride_h) - i32(p.pad_top);
  let w0 = i32(ow * p.stride_w) - i32(p.pad_left);
  return vec4i(max(h0, 0), min(h0 + i32(p.pool_h), i32(p.in_h)), max(w0, 0), min(w0 + i32(p.pool_w), i32(p.in_w)));
}

// Output positions whose windows contain input position (ih, iw): rows [x, y], columns [z, w]
// (empty when x > y or z > w). Window oh contains ih when 0 <= ih + pad_top - oh * stride_h < pool_h.
fn pool_covering(p: Pool2dParams, ih: u32, iw: u32) -> vec4i {
  let h = i32(ih + p.pad_top);
  let w = i32(iw + p.pad_left);
  let sh = i32(p.stride_h);
  let sw = i32(p.stride_w);
  let h_first = max(h - i32(p.pool_h) + 1, 0);
  let w_first = max(w - i32(p.pool_w) + 1, 0);
  return vec4i((h_first + sh - 1) / sh, min(h / sh, i32(p.out_h) - 1), (w_first + sw - 1) / sw, min(w / sw, i32(p.out_w) - 1));
}

// Flat NHWC index of input element (b, h, w, c).
fn pool_input_index(p: Pool2dParams, b: u32, h: u32, w: u32, c: u32) -> u32 {
  return ((b * p.in_h + h) * p.in_w + w) * p.channels + c;
}

// Flat NHWC index of output element (b, oh, ow, c).
fn pool_output_index(p: Pool2dParams, b: u32, oh: u32, ow: u32, c: u32) -> u32 {
  return ((b * p.out_h + oh) * p.out_w + ow) * p.channels + c;
}
