// Strided pad: out[o] = x[i] where o_d = begin[d] + i_d * step[d] for every d, pad_value elsewhere.
// Serves pad (step 1) and the gradient of (strided) slicing: dy lands on the sliced positions,
// zeros elsewhere. Gather-style (each output element looks for its source), so no atomics and no
// pre-zeroed output are needed. step may be negative (reversed slices); it is never 0.
// Layout: x is row-major of shape in_shape, out row-major of shape out_shape (both rank dims).
// Bindings: 0 x (read), 1 out (write), 2 uniforms.
// Dispatch: ceil(n / WG) workgroups on a 2-D grid; one invocation writes one output element.

struct Params {
  out_shape: array<vec4u, 2>,
  in_shape: array<vec4u, 2>,
  begin: array<vec4i, 2>,
  step: array<vec4i, 2>,
  pad_value: f32,
  rank: u32,
  n: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let o = linear_index(gid, nwg, WG);
  if (o >= u.n) { return; }
  var rem = o;
  var src = 0u;
  var stride = 1u;
  var inside = true;
  for (var d = i32(u.rank) - 1; d >= 0; d--) {
    let size = dim8(u.out_shape, u32(d));
    let od = i32(rem % size);
    rem = rem / size;
    // od = begin + i * step  <=>  (od - begin) divisible by step and the quotient in range.
    let delta = od - dim8i(u.begin, u32(d));
    let step_d = dim8i(u.step, u32(d));
    let id = delta / step_d;
    let in_size = dim8(u.in_shape, u32(d));
    if (delta % step_d != 0 || id < 0 || u32(id) >= in_size) { inside = false; }
    src += u32(max(id, 0)) * stride;
    stride *= in_size;
  }
  if (inside) {
    out[o] = x[src];
  } else {
    out[o] = u.pad_value;
  }
}
