// Log-softmax of each row, max-shifted: y[r, c] = x[r, c] - m - log(sum_k exp(x[r, k] - m)),
// m = max_k x[r, k]; finite for any finite logits (the sum lies in [1, cols]).
// Prelude: workgroup_reduce.wgsl (struct RowParams, workgroup_max, workgroup_sum).
// Layout: x and y row-major [rows, cols].
// Bindings: 0 x (read), 1 y (write), 2 uniforms.
// Dispatch: one workgroup per row (2-D grid past 65535 rows); WG invocations stride over the
// columns.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> u: RowParams;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  let in_range = row < u.rows;
  let base = row * u.cols;
  var m = -f32_inf();
  if (in_range) {
    for (var c = lid; c < u.cols; c += WG) { m = max(m, x[base + c]); }
  }
  m = workgroup_max(m, lid);
  var s = 0.0;
  if (in_range) {
    for (var c = lid; c < u.cols; c += WG) { s += exp(x[base + c] - m); }
  }
  let shift = m + log(workgroup_sum(s, lid));
  if (in_range) {
    for (var c = lid; c < u.cols; c += WG) { y[base + c] = x[base + c] - shift; }
  }
}
