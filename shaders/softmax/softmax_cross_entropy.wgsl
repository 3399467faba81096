// Fused softmax cross-entropy from logits, per row:
//   loss[r] = sum_c labels[r, c] * (lse - logits[r, c]),  lse = m + log(sum_k exp(logits[r, k] - m))
// with m the row maximum. Each term lse - logits is a non-negative difference of finite numbers,
// so logits of +-1e4 give a finite loss where log(softmax) would give log(0) = -inf.
// Prelude: workgroup_reduce.wgsl (struct RowParams, workgroup_max, workgroup_sum) and
// row_exp_sum.wgsl (row_exp_sum).
// Layout: logits and labels row-major [rows, cols]; loss [rows].
// Bindings: 0 logits (read), 1 labels (read), 2 loss (write), 3 uniforms.
// Dispatch: one workgroup per row (2-D grid past 65535 rows); WG invocations stride over the
// columns.

@group(0) @binding(0) var<storage, read> logits: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<f32>;
@group(0) @binding(2) var<storage, read_write> loss: array<f32>;
@group(0) @binding(3) var<uniform> u: RowParams;

override WG: u32 = 64u;

// The row that row_exp_sum (the prelude's row_exp_sum.wgsl) normalises.
fn row_value(i: u32) -> f32 { return logits[i]; }

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  let in_range = row < u.rows;
  let base = row * u.cols;
  let r = row_exp_sum(base, in_range, lid);
  let lse = r.m + log(r.sum);
  var t = 0.0;
  if (in_range) {
    for (var c = lid; c < u.cols; c += WG) { t += labels[base + c] * (lse - logits[base + c]); }
  }
  t = workgroup_sum(t, lid);
  if (in_range && lid == 0u) { loss[row] = t; }
}
