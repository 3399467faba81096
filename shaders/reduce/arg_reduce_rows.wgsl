// Arg-reduction over the middle axis: out[r, p, i] = the index c (along the whole reduced axis)
// of the max (argmax) or min (argmin) of x[r, c, i] over chunk p; the smallest index at ties.
// NaN wins over every number (arg_max_better / arg_min_better in shaders/common/binary_ops.wgsl):
// the first NaN is the result, as in numpy, PyTorch and JAX.
// arg_better(v, best) is the generated prelude: true when v beats the current best strictly.
// Layout: x is row-major [rows, cols, inner]; the reduced axis is split into `parts` chunks of
// ceil(cols / parts); out is [rows, parts, inner] (int32 values stored as f32).
// argmax_merge / argmin_merge (arg_merge_rows.wgsl) reduce the parts.
// Bindings: 0 x (read), 1 out (write), 2 uniforms.
// Dispatch, SERIAL = false (inner = 1, long chunks): one workgroup per output element;
// invocations stride over the chunk, then the first merges their candidates from workgroup memory, keeping
// the best value and, at ties, the smaller index. SERIAL = true: one invocation per element.
//!include common/indexing.wgsl
//!include common/binary_ops.wgsl

struct Params {
  rows: u32,
  cols: u32,
  inner: u32,
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

struct Best {
  value: f32,
  index: u32,
}

fn take(v: f32, c: u32, best: Best) -> bool {
  return best.index == NONE || arg_better(v, best.value) || (f32_same(v, best.value) && c < best.index);
}

fn best_of_chunk(slot: u32, first: u32, step: u32) -> Best {
  let i = slot % u.inner;
  let rp = slot / u.inner;
  let row = rp / u.parts;
  let chunk = (u.cols + u.parts - 1u) / u.parts;
  let begin = (rp % u.parts) * chunk;
  let end = min(begin + chunk, u.cols);
  var best = Best(0.0, NONE);
  for (var c = begin + first; c < end; c += step) {
    let v = x[(row * u.cols + c) * u.inner + i];
    if (take(v, c, best)) { best = Best(v, c); }
  }
  return best;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let slots = u.rows * u.parts * u.inner;
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
  // One barrier, then the first invocation merges the WG candidates in order (see
  // reduce_rows.wgsl for why not a tree). `take` breaks ties by index, so the order is immaterial.
  workgroupBarrier();
  if (lid == 0u && slot < slots) {
    var merged = Best(best_value[0], best_index[0]);
    for (var j = 1u; j < WG; j++) {
      let other = Best(best_value[j], best_index[j]);
      if (other.index != NONE && take(other.value, other.index, merged)) { merged = other; }
    }
    out[slot] = f32(merged.index);
  }
}
