// Gradient factors for clipping by norm, from the squared norms of grad_sq_norms; the update kernel
// multiplies each variable's gradient by scale[v], so nothing is read back.
//   mode 0, per tensor (tf.clip_by_norm: g * c / max(||g||, c)):   scale[v] = c / max(sqrt(sq[v]), c)
//   mode 1, global (tf.clip_by_global_norm: g * c * min(1/N, 1/c)), N = sqrt(sum_v sq[v]):
//     every scale[v] = 1 when N <= c, else c / N
// Bindings: 0 sq (read, nvars values), 1 scale (write, nvars values), 2 uniforms.
// Dispatch: one workgroup of WG invocations; they stride over the variables (and, in mode 1, sum the
// squared norms as a tree in workgroup memory first).

struct Params {
  nvars: u32,
  clip_norm: f32,
  mode: u32,
}

@group(0) @binding(0) var<storage, read> sq: array<f32>;
@group(0) @binding(1) var<storage, read_write> scale: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

override WG: u32 = 256u;
var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32) {
  let c = u.clip_norm;
  var acc = 0.0;
  for (var v = lid; v < u.nvars; v += WG) {
    acc += sq[v];
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) {
      partial[lid] = partial[lid] + partial[lid + stride];
    }
    workgroupBarrier();
  }
  let norm = sqrt(partial[0]);
  var global_scale = 1.0;
  if (norm > c) { global_scale = c / norm; }
  for (var v = lid; v < u.nvars; v += WG) {
    if (u.mode == 0u) {
      scale[v] = c / max(sqrt(sq[v]), c);
    } else {
      scale[v] = global_scale;
    }
  }
}
