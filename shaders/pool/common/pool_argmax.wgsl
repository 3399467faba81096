// The argmax of one window, for the max-pooling kernels. It reads the kernel's binding `x` (the
// pooled input), which each of them declares; WGSL resolves module-scope names in any order.
//!include pool/common/pool_window.wgsl
//!include common/binary_ops.wgsl

// Flat index of window (oh, ow)'s largest element of image b, channel c: the first one in
// row-major window order on ties (TensorFlow's rule); NaN is larger than every number, so the
// first NaN of a window is its maximum (max pooling propagates NaN, as PyTorch's does). POOL_NONE when the window is wholly padding.
fn window_argmax(p: Pool2dParams, b: u32, oh: u32, ow: u32, c: u32) -> u32 {
  let win = pool_window(p, oh, ow);
  var best = POOL_NONE;
  var best_value = 0.0;
  for (var h = win.x; h < win.y; h++) {
    for (var w = win.z; w < win.w; w++) {
      let i = pool_input_index(p, b, u32(h), u32(w), c);
      let v = x[i];
      if (best == POOL_NONE || arg_max_better(v, best_value)) {
        best = i;
        best_value = v;
      }
    }
  }
  return best;
}
