// Row arg-reduction: out[r] = the first column index of the max (argmax) or min (argmin) of row r.
// arg_better(v, best) is the generated prelude: true when v beats the current best strictly.
// Layout: x is row-major [rows, cols]; out is [rows] (int32 values stored as f32).
// Bindings: 0 x (read), 1 out (write), 2 uniforms.
// Dispatch: one workgroup per row; invocations stride over columns, then a tree in workgroup
// memory keeps the best value and, at ties, the smaller index.

struct Params {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

override WG: u32 = 64u;
var<workgroup> best_value: array<f32, WG>;
var<workgroup> best_index: array<u32, WG>;

fn take(v: f32, i: u32, bv: f32, bi: u32) -> bool {
  return arg_better(v, bv) || (v == bv && i < bi);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  var bv = 0.0;
  var bi = 0xffffffffu;
  if (row < u.rows) {
    let base = row * u.cols;
    for (var c = lid; c < u.cols; c += WG) {
      let v = x[base + c];
      if (bi == 0xffffffffu || take(v, c, bv, bi)) {
        bv = v;
        bi = c;
      }
    }
  }
  best_value[lid] = bv;
  best_index[lid] = bi;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) {
      let oi = best_index[lid + stride];
      if (oi != 0xffffffffu && (best_index[lid] == 0xffffffffu || take(best_value[lid + stride], oi, best_value[lid], best_index[lid]))) {
        best_value[lid] = best_value[lid + stride];
        best_index[lid] = oi;
      }
    }
    workgroupBarrier();
  }
  if (lid == 0u && row < u.rows) {
    out[row] = f32(best_index[0]);
  }
}
