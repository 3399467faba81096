// Constraint "rows to unit norm (times a factor)", applied in place after an update:
//   w[r, :] = w[r, :] * factor / (eps + ||w[r, :]||)
// as Keras's UnitNorm (keras/constraints.py: w / (epsilon() + sqrt(sum(w^2, axis)))) with the norm
// taken along the last axis and a factor.
// Layout: w is one variable's view of the parameter arena, row-major [rows, cols].
// Bindings: 0 w (read_write), 1 uniforms.
// Dispatch: one workgroup per row (2-D grid past 65535 rows); WG invocations stride over the columns,
// sum the squares as a tree in workgroup memory, then scale the row.

struct Params {
  rows: u32,
  cols: u32,
  factor: f32,
  epsilon: f32,
}

@group(0) @binding(0) var<storage, read_write> w: array<f32>;
@group(0) @binding(1) var<uniform> u: Params;

override WG: u32 = 64u;
var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  let base = row * u.cols;
  // Every invocation reaches the barriers, so no early return.
  var acc = 0.0;
  if (row < u.rows) {
    for (var c = lid; c < u.cols; c += WG) {
      acc += w[base + c] * w[base + c];
    }
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) {
      partial[lid] = partial[lid] + partial[lid + stride];
    }
    workgroupBarrier();
  }
  if (row < u.rows) {
    let k = u.factor / (u.epsilon + sqrt(partial[0]));
    for (var c = lid; c < u.cols; c += WG) {
      w[base + c] = w[base + c] * k;
    }
  }
}
