// Gradient of softmax from its output: dx[r, c] = y[r, c] * (dy[r, c] - sum_k dy[r, k] * y[r, k]).
// Prelude: workgroup_reduce.wgsl (struct RowParams, workgroup_sum).
// Layout: y, dy and dx row-major [rows, cols].
// Bindings: 0 y (read), 1 dy (read), 2 dx (write), 3 uniforms.
// Dispatch: one workgroup per row (2-D grid past 65535 rows); WG invocations stride over the
// columns.

@group(0) @binding(0) var<storage, read> y: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> u: RowParams;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  let in_range = row < u.rows;
  let base = row * u.cols;
  var t = 0.0;
  if (in_range) {
    for (var c = lid; c < u.cols; c += WG) { t += dy[base + c] * y[base + c]; }
  }
  t = workgroup_sum(t, lid);
  if (in_range) {
    for (var c = lid; c < u.cols; c += WG) { dx[base + c] = y[base + c] * (dy[base + c] - t); }
  }
}
