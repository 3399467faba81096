// Identity matrices: out[b, row, col] = 1 where row == col, else 0 (rectangular and batched).
// Layout: out is row-major [batch, u.rows, u.cols], u.n values in all.
// Bindings: 0 out (write), 1 uniforms.
// Dispatch: ceil(n / WG) workgroups on a 2-D grid; one invocation writes one element.

struct Params {
  n: u32,
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<uniform> u: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WG);
  if (i >= u.n) { return; }
  let col = i % u.cols;
  let row = (i / u.cols) % u.rows;
  out[i] = select(0.0, 1.0, row == col);
}
