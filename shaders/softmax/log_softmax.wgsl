// Log-softmax of each row, max-shifted: y[r, c] = x[r, c] - m - log(sum_k exp(x[r, k] - m)),
// m = max_k x[r, k]; finite for any finite logits (the sum lies in [1, cols]).
// Prelude: workgroup_reduce.wgsl (struct RowParams, workgroup_max, workgroup_sum) and
// row_exp_sum.wgsl (row_exp_sum).
// Layout: x and y row-major [rows, cols].
// Bindings: 0 x (read), 1 y (write), 2 uniforms.
// Dispatch: one workgroup per row (2-D grid past 65535 rows); WG invocations stride over the
// columns.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> u: RowParams;

override WG: u32 = 64u;

// The row that row_exp_sum (the prelude's row_exp_sum.wgsl) normalises.
fn row_value(i: u32) -> f32 { return x[i]; }

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  let in_range = row < u.rows;
  let base = row * u.cols;
  let r = row_exp_sum(base, in_range, lid);
  let shift = r.m + log(r.sum);
  if (in_range) {
    for (var c = lid; c < u.cols; c += WG) { y[base + c] = x[base + c] - shift; }
  }
}
