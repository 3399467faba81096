// Identity matrices: out[b, row, col] = 1 where row == col, else 0 (rectangular and batched).
// Layout: out is row-major [batch, u.rows, u.cols], u.n values in all.
// Bindings and dispatch: shaders/creation/common/element_grid.wgsl (one invocation per element).
//!include creation/common/element_grid.wgsl

struct Params {
  n: u32,
  rows: u32,
  cols: u32,
}

fn element(i: u32) -> f32 {
  let col = i % u.cols;
  let row = (i / u.cols) % u.rows;
  return select(0.0, 1.0, row == col);
}
