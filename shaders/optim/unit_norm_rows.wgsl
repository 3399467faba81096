// Constraint "rows to unit norm (times a factor)", applied in place after an update:
//   w[r, :] = w[r, :] * factor / (eps + ||w[r, :]||)
// as Keras's UnitNorm (keras/constraints.py: w / (epsilon() + sqrt(sum(w^2, axis)))) with the norm
// taken along the last axis and a factor.
// Layout: w is one variable's view of the parameter arena, row-major [rows, cols].
// Bindings: 0 w (read_write), 1 uniforms.
// Dispatch, SERIAL = false (long rows): one workgroup per row (2-D grid past 65535 rows); WG
// invocations stride over the columns, sum the squares as a tree in workgroup memory, then scale
// the row. SERIAL = true (rows of at most 256 values, e.g. the vector-spread workload's unit
// vectors): one invocation per row sums in order (2-D grid of ceil(rows / WG) workgroups); a
// workgroup per short row would spend its time in the tree's barriers (on software Vulkan each
// barrier switches between the workgroup's SIMD rows).
//!include common/indexing.wgsl

struct Params {
  rows: u32,
  cols: u32,
  factor: f32,
  epsilon: f32,
}

@group(0) @binding(0) var<storage, read_write> w: array<f32>;
@group(0) @binding(1) var<uniform> u: Params;

override WG: u32 = 64u;
override SERIAL: bool = false;
var<workgroup> partial: array<f32, WG>;

// Scales row `row` (starting at `base`) by factor / (eps + norm), given its sum of squares.
fn scale_row(base: u32, first: u32, step: u32, sum_sq: f32) {
  let k = u.factor / (u.epsilon + sqrt(sum_sq));
  for (var c = first; c < u.cols; c += step) {
    w[base + c] = w[base + c] * k;
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  if (SERIAL) {
    // The return stays unconditional (uniform) for the barriers of the other branch.
    let row = linear_index(gid, nwg, WG);
    if (row < u.rows) {
      var sum_sq = 0.0;
      for (var c = 0u; c < u.cols; c++) {
        sum_sq += w[row * u.cols + c] * w[row * u.cols + c];
      }
      scale_row(row * u.cols, 0u, 1u, sum_sq);
    }
    return;
  }
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
  if (row < u.rows) { scale_row(base, lid, WG, partial[0]); }
}
