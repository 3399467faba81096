// Gradient of the sparse softmax cross-entropy with respect to the logits:
//   dlogits[r, c] = dy[r] * (softmax[r, c] - (c == labels[r] ? 1 : 0)),
// softmax max-shifted; a row whose label is not an integer in [0, cols) gets NaN.
// Layout: logits and dlogits row-major [rows, cols]; labels and dy [rows].
// Bindings: 0 logits, 1 labels, 2 dy (read), 3 dlogits (write), 4 uniforms.
// Dispatch: one workgroup per row (2-D grid past 65535 rows); WG invocations stride over the
// columns.
//!include softmax/common/row_kernel.wgsl
//!include softmax/common/row_exp_sum.wgsl
//!include common/indexing.wgsl

@group(0) @binding(0) var<storage, read> logits: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(4) var<uniform> u: RowParams;

// The row that row_exp_sum (row_exp_sum.wgsl) normalises.
fn row_value(i: u32) -> f32 { return logits[i]; }

// Called by the entry point of row_kernel.wgsl for each row.
fn row_kernel(row: u32, in_range: bool, base: u32, lid: u32) {
  let r = row_exp_sum(base, in_range, lid);
  if (in_range) {
    let label = labels[row];
    let valid = label >= 0.0 && label < f32(u.cols) && label == floor(label);
    let g = select(f32_nan(), dy[row], valid);
    for (var c = lid; c < u.cols; c += WG) {
      let p = exp(logits[base + c] - r.m) / r.sum;
      dlogits[base + c] = g * (p - select(0.0, 1.0, f32(c) == label));
    }
  }
}
