// For the row kernels of shaders/softmax that normalise their input row: the row's maximum m
// and Σ_c exp(v_c - m), the two numbers from which softmax (exp(v - m) / sum) and log-sum-exp
// (m + log(sum)) follow without overflow. Each such kernel defines row_value(i), its input at flat
// index i. Every invocation must call row_exp_sum (it contains barriers), out-of-range rows too.
//!include softmax/common/row_kernel.wgsl
//!include common/indexing.wgsl
//!include common/binary_ops.wgsl

struct RowExpSum {
  m: f32,
  sum: f32,
}

fn row_exp_sum(base: u32, in_range: bool, lid: u32) -> RowExpSum {
  var m = -f32_inf();
  if (in_range) {
    for (var c = lid; c < u.cols; c += WG) { m = op_maximum(m, row_value(base + c)); }
  }
  m = workgroup_max(m, lid);
  var s = 0.0;
  if (in_range) {
    for (var c = lid; c < u.cols; c += WG) { s += exp(row_value(base + c) - m); }
  }
  return RowExpSum(m, workgroup_sum(s, lid));
}
