// Fused softmax cross-entropy with integer class labels, per row:
//   loss[r] = lse - logits[r, labels[r]],  lse = m + log(sum_k exp(logits[r, k] - m)),
// finite for any finite logits. A label that is not an integer in [0, cols) gives NaN (the GPU
// cannot raise; TensorFlow's GPU kernel does the same) and sets `bad_label`, which the engine
// reads at the next read or flush to report it (src/ops/device_checks.ts); nothing clears it here.
// Layout: logits row-major [rows, cols]; labels and loss [rows] (labels stored as floats).
// Bindings: 0 logits, 1 labels (read), 2 loss (write), 3 bad_label (one word, set to 1.0 by a bad
// label), 4 uniforms.
// Dispatch: one workgroup per row (2-D grid past 65535 rows); WG invocations stride over the
// columns.
//!include softmax/common/row_kernel.wgsl
//!include softmax/common/row_exp_sum.wgsl
//!include common/indexing.wgsl

@group(0) @binding(0) var<storage, read> logits: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<f32>;
@group(0) @binding(2) var<storage, read_write> loss: array<f32>;
@group(0) @binding(3) var<storage, read_write> bad_label: array<atomic<u32>>;
@group(0) @binding(4) var<uniform> u: RowParams;

// The row that row_exp_sum (row_exp_sum.wgsl) normalises.
fn row_value(i: u32) -> f32 { return logits[i]; }

// Called by the entry point of row_kernel.wgsl for each row.
fn row_kernel(row: u32, in_range: bool, base: u32, lid: u32) {
  let r = row_exp_sum(base, in_range, lid);
  let lse = r.m + log(r.sum);
  if (in_range && lid == 0u) {
    let label = labels[row];
    let valid = label >= 0.0 && label < f32(u.cols) && label == floor(label);
    loss[row] = select(f32_nan(), lse - logits[base + u32(select(0.0, label, valid))], valid);
    // The bits of 1.0: the engine reads the word as a float.
    if (!valid) { atomicMax(&bad_label[0], 0x3f800000u); }
  }
}
