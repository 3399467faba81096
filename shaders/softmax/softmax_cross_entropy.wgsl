// Fused softmax cross-entropy from logits, per row:
//   loss[r] = sum_c labels[r, c] * (lse - logits[r, c]),  lse = m + log(sum_k exp(logits[r, k] - m))
// with m the row maximum. Each term lse - logits is a non-negative difference of finite numbers,
// so logits of +-1e4 give a finite loss where log(softmax) would give log(0) = -inf.
// Layout: logits and labels row-major [rows, cols]; loss [rows].
// Bindings: 0 logits (read), 1 labels (read), 2 loss (write), 3 uniforms.
// Dispatch: one workgroup per row (2-D grid past 65535 rows); WG invocations stride over the
// columns.
//!include softmax/common/row_kernel.wgsl
//!include softmax/common/row_exp_sum.wgsl

@group(0) @binding(0) var<storage, read> logits: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<f32>;
@group(0) @binding(2) var<storage, read_write> loss: array<f32>;
@group(0) @binding(3) var<uniform> u: RowParams;

// The row that row_exp_sum (row_exp_sum.wgsl) normalises.
fn row_value(i: u32) -> f32 { return logits[i]; }

// Called by the entry point of row_kernel.wgsl for each row.
fn row_kernel(row: u32, in_range: bool, base: u32, lid: u32) {
  let r = row_exp_sum(base, in_range, lid);
  let lse = r.m + log(r.sum);
  var t = 0.0;
  if (in_range) {
    for (var c = lid; c < u.cols; c += WG) { t += labels[base + c] * (lse - logits[base + c]); }
  }
  t = workgroup_sum(t, lid);
  if (in_range && lid == 0u) { loss[row] = t; }
}
