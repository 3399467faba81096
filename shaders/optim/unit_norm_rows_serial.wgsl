// Constraint "rows to unit norm (times a factor)" for short rows: the update of
// unit_norm_rows.wgsl, w[r, :] = w[r, :] * factor / (eps + ||w[r, :]||), with one invocation per
// row summing its squares in order. src/backend/webgpu/kernels/optim.ts picks it for rows of at
// most 256 values (the unit vectors of the vector-spread workload: 2 to 32), where a workgroup per
// row would spend its time in the tree's barriers (on software Vulkan each barrier switches
// between the workgroup's SIMD rows).
// Layout and uniforms as unit_norm_rows.wgsl. Bindings: 0 w (read_write), 1 uniforms.
// Dispatch: ceil(rows / WG) workgroups on a 2-D grid.

struct Params {
  rows: u32,
  cols: u32,
  factor: f32,
  epsilon: f32,
}

@group(0) @binding(0) var<storage, read_write> w: array<f32>;
@group(0) @binding(1) var<uniform> u: Params;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = linear_index(gid, nwg, WG);
  if (row >= u.rows) { return; }
  let base = row * u.cols;
  var acc = 0.0;
  for (var c = 0u; c < u.cols; c++) {
    acc += w[base + c] * w[base + c];
  }
  let k = u.factor / (u.epsilon + sqrt(acc));
  for (var c = 0u; c < u.cols; c++) {
    w[base + c] = w[base + c] * k;
  }
}
