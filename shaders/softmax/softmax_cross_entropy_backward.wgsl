// Gradients of the fused softmax cross-entropy, both in one pass:
//   dlogits[r, c] = dy[r] * (softmax[r, c] * sum_k labels[r, k] - labels[r, c])
// (softmax - labels for labels that sum to 1, as TensorFlow), softmax max-shifted as in softmax;
//   dlabels[r, c] = dy[r] * (lse - logits[r, c])  (= -dy * log_softmax, finite for finite logits).
// Writing dlabels costs one store per element, where a separate op would cost three dispatches.
// Layout: logits, labels, dlogits and dlabels row-major [rows, cols]; dy [rows].
// Bindings: 0 logits, 1 labels, 2 dy (read), 3 dlogits, 4 dlabels (write), 5 uniforms.
// Dispatch: one workgroup per row (2-D grid past 65535 rows); WG invocations stride over the
// columns.
//!include softmax/common/row_kernel.wgsl
//!include softmax/common/row_exp_sum.wgsl

@group(0) @binding(0) var<storage, read> logits: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(4) var<storage, read_write> dlabels: array<f32>;
@group(0) @binding(5) var<uniform> u: RowParams;

// The row that row_exp_sum (row_exp_sum.wgsl) normalises.
fn row_value(i: u32) -> f32 { return logits[i]; }

// Called by the entry point of row_kernel.wgsl for each row.
fn row_kernel(row: u32, in_range: bool, base: u32, lid: u32) {
  let r = row_exp_sum(base, in_range, lid);
  let lse = r.m + log(r.sum);
  var label_sum = 0.0;
  if (in_range) {
    for (var c = lid; c < u.cols; c += WG) { label_sum += labels[base + c]; }
  }
  label_sum = workgroup_sum(label_sum, lid);
  if (in_range) {
    let g = dy[row];
    for (var c = lid; c < u.cols; c += WG) {
      let z = logits[base + c];
      dlogits[base + c] = g * (exp(z - r.m) / r.sum * label_sum - labels[base + c]);
      dlabels[base + c] = g * (lse - z);
    }
  }
}
