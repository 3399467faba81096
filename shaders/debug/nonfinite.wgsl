// NaN/Inf tracer (src/debug/nan_tracer.ts): flags[u.slot] = 1 when any of x[0..u.n) is NaN or
// infinite (exponent bits all set, tested on the bits: a float comparison may be folded away).
// A clean x leaves flags as it is: the tracer zeroes the flags after reading them, and the chunks
// of one large tensor share a slot.
// Layout: x is a flat array of u.n values; flags holds one value per checked tensor.
// Bindings: 0 x (read), 1 flags (write), 2 uniforms.
// Dispatch: ceil(n / 4 / WG) workgroups on a 2-D grid; one invocation tests four elements.
//!include common/indexing.wgsl

struct Params {
  n: u32,
  slot: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> flags: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i0 = 4u * linear_index(gid, nwg, WG);
  var bad = false;
  for (var k = 0u; k < 4u; k++) {
    let i = i0 + k;
    if (i < u.n && (bitcast<u32>(x[i]) & 0x7f800000u) == 0x7f800000u) { bad = true; }
  }
  // Every writer stores the same value: no ordering between invocations is needed.
  if (bad) { flags[u.slot] = 1.0; }
}
