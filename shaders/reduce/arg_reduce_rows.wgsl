// Row arg-reduction: out[r, p] = the column index (within the whole row) of the max (argmax) or
// min (argmin) of chunk p of row r; the smallest index at ties.
// arg_better(v, best) is the generated prelude: true when v beats the current best strictly.
// Layout: x is row-major [rows, cols]; each row is split into `parts` chunks of
// ceil(cols / parts) columns (parts = 1: the whole row); out is [rows, parts] (int32 values
// stored as f32). argmax_merge / argmin_merge (arg_merge_rows.wgsl) reduce the parts.
// Bindings: 0 x (read), 1 out (write), 2 uniforms.
// Dispatch, SERIAL = false: one workgroup per (row, part); invocations stride over the chunk,
// then a tree in workgroup memory keeps the best value and, at ties, the smaller index.
// Dispatch, SERIAL = true (short rows): one invocation per (row, part).

struct Params {
  rows: u32,
  cols: u32,
  parts: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

override WG: u32 = 64u;
override SERIAL: bool = false;
var<workgroup> best_value: array<f32, WG>;
var<workgroup> best_index: array<u32, WG>;

const NONE = 0xffffffffu;

fn take(v: f32, i: u32, bv: f32, bi: u32) -> bool {
  return bi == NONE || arg_better(v, bv) || (v == bv && i < bi);
}

struct Best {
  value: f32,
  index: u32,
}

fn best_of_chunk(slot: u32, first: u32, step: u32) -> Best {
  let row = slot / u.parts;
  let chunk = (u.cols + u.parts - 1u) / u.parts;
  let begin = (slot % u.parts) * chunk;
  let end = min(begin + chunk, u.cols);
  var best = Best(0.0, NONE);
  for (var c = begin + first; c < end; c += step) {
    let v = x[row * u.cols + c];
    if (take(v, c, best.value, best.index)) { best = Best(v, c); }
  }
  return best;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let slots = u.rows * u.parts;
  if (SERIAL) {
    let slot = linear_index(gid, nwg, WG);
    if (slot < slots) { out[slot] = f32(best_of_chunk(slot, 0u, 1u).index); }
    return;
  }
  let slot = wid.x + wid.y * nwg.x;
  var best = Best(0.0, NONE);
  if (slot < slots) { best = best_of_chunk(slot, lid, WG); }
  best_value[lid] = best.value;
  best_index[lid] = best.index;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) {
      let oi = best_index[lid + stride];
      if (oi != NONE && take(best_value[lid + stride], oi, best_value[lid], best_index[lid])) {
        best_value[lid] = best_value[lid + stride];
        best_index[lid] = oi;
      }
    }
    workgroupBarrier();
  }
  if (lid == 0u && slot < slots) {
    out[slot] = f32(best_index[0]);
  }
}
