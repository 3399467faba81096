// Gradient of softmax from its output: dx[r, c] = y[r, c] * (dy[r, c] - sum_k dy[r, k] * y[r, k]).
// Layout: y, dy and dx row-major [rows, cols].
// Bindings: 0 y (read), 1 dy (read), 2 dx (write), 3 uniforms.
// Dispatch: one workgroup per row (2-D grid past 65535 rows); WG invocations stride over the
// columns.
//!include softmax/common/row_kernel.wgsl

@group(0) @binding(0) var<storage, read> y: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> u: RowParams;

// Called by the entry point of row_kernel.wgsl for each row.
fn row_kernel(row: u32, in_range: bool, base: u32, lid: u32) {
  var t = 0.0;
  if (in_range) {
    for (var c = lid; c < u.cols; c += WG) { t += dy[base + c] * y[base + c]; }
  }
  t = workgroup_sum(t, lid);
  if (in_range) {
    for (var c = lid; c < u.cols; c += WG) { dx[base + c] = y[base + c] * (dy[base + c] - t); }
  }
}
