// The frame of the row kernels of shaders/softmax: one workgroup per row of a row-major
// [u.rows, u.cols] matrix (a 2-D grid past 65535 rows), WG invocations striding over the row.
// The kernel declares its bindings, the uniform struct last as `u: RowParams`, and defines
//   fn row_kernel(row: u32, in_range: bool, base: u32, lid: u32)
// for row `row`, which starts at element `base`; lid is the invocation's index in the workgroup.
// Workgroups past the last row run it too, with in_range false: every invocation must reach the
// barriers of workgroup_reduce.wgsl, so there is no early return.
//!include softmax/common/workgroup_reduce.wgsl

struct RowParams {
  rows: u32,
  cols: u32,
}

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  row_kernel(row, row < u.rows, row * u.cols, lid);
}
