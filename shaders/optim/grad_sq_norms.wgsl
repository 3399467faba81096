// Squared L2 norm of each variable's gradient, for clipping by norm (tf.clip_by_norm,
// tf.clip_by_global_norm): out[v] = sum of grad[i]^2 over the variable's range [start, end).
// Layout: grad is the gradient arena; vars the variable table.
// Bindings: 0 grad (read), 1 vars (read), 2 out (write, nvars values), 3 uniforms.
// Dispatch: one workgroup per variable (2-D grid past 65535); WG invocations stride over the range,
// then combine their partial sums as a tree in workgroup memory.
//!include optim/common/var_info.wgsl

struct Params {
  nvars: u32,
}

@group(0) @binding(0) var<storage, read> grad: array<f32>;
@group(0) @binding(1) var<storage, read> vars: array<VarInfo>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

override WG: u32 = 256u;
var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let v = wid.x + wid.y * nwg.x;
  // Every invocation reaches the barriers, so no early return.
  var acc = 0.0;
  if (v < u.nvars) {
    for (var i = vars[v].start + lid; i < vars[v].end; i += WG) {
      acc += grad[i] * grad[i];
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
  if (lid == 0u && v < u.nvars) {
    out[v] = partial[0];
  }
}
