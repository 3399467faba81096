// Row reduction: out[r] = reduce(x[r, 0..cols)) for the kernels reduce_sum/max/min/prod.
// reduce_identity() and reduce_combine(acc, v) are the generated prelude (src/backend/webgpu/kernels/reduce.ts).
// Layout: x is row-major [rows, cols]; out is [rows].
// Bindings: 0 x (read), 1 out (write), 2 uniforms.
// Dispatch: one workgroup per row (2-D grid past 65535 rows); WG invocations stride over the
// columns, then combine their partials in workgroup memory as a tree.

struct Params {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

override WG: u32 = 64u;
var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  // All invocations of the workgroup reach the barriers, so no early return here.
  var acc = reduce_identity();
  if (row < u.rows) {
    let base = row * u.cols;
    for (var c = lid; c < u.cols; c += WG) {
      acc = reduce_combine(acc, x[base + c]);
    }
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) {
      partial[lid] = reduce_combine(partial[lid], partial[lid + stride]);
    }
    workgroupBarrier();
  }
  if (lid == 0u && row < u.rows) {
    out[row] = partial[0];
  }
}
