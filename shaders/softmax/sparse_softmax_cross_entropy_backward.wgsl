// Gradient of the sparse softmax cross-entropy with respect to the logits:
//   dlogits[r, c] = dy[r] * (softmax[r, c] - (c == labels[r] ? 1 : 0)),
// softmax max-shifted; a row whose label is not an integer in [0, cols) gets NaN.
// Prelude: workgroup_reduce.wgsl (struct RowParams, workgroup_max, workgroup_sum) and
// row_exp_sum.wgsl (row_exp_sum).
// Layout: logits and dlogits row-major [rows, cols]; labels and dy [rows].
// Bindings: 0 logits, 1 labels, 2 dy (read), 3 dlogits (write), 4 uniforms.
// Dispatch: one workgroup per row (2-D grid past 65535 rows); WG invocations stride over the
// columns.

@group(0) @binding(0) var<storage, read> logits: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(4) var<uniform> u: RowParams;

override WG: u32 = 64u;

// The row that row_exp_sum (the prelude's row_exp_sum.wgsl) normalises.
fn row_value(i: u32) -> f32 { return logits[i]; }

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  let in_range = row < u.rows;
  let base = row * u.cols;
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
