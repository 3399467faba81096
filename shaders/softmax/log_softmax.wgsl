// Log-softmax of each row, max-shifted: y[r, c] = x[r, c] - m - log(sum_k exp(x[r, k] - m)),
// m = max_k x[r, k]; finite for any finite logits (the sum lies in [1, cols]).
// Layout: x and y row-major [rows, cols].
// Bindings: 0 x (read), 1 y (write), 2 uniforms.
// Dispatch: one workgroup per row (2-D grid past 65535 rows); WG invocations stride over the
// columns.
//!include softmax/common/row_kernel.wgsl
//!include softmax/common/row_exp_sum.wgsl

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> u: RowParams;

// The row that row_exp_sum (row_exp_sum.wgsl) normalises.
fn row_value(i: u32) -> f32 { return x[i]; }

// Called by the entry point of row_kernel.wgsl for each row.
fn row_kernel(row: u32, in_range: bool, base: u32, lid: u32) {
  let r = row_exp_sum(base, in_range, lid);
  let shift = r.m + log(r.sum);
  if (in_range) {
    for (var c = lid; c < u.cols; c += WG) { y[base + c] = x[base + c] - shift; }
  }
}
