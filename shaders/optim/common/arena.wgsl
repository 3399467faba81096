// Parameter-arena bindings and helpers of the optimizer update kernels
// (shaders/optim/<optimizer>.wgsl), which include this file, so every update kernel binds the
// same buffers in the same order:
//   0 grad   (read)        gradient arena, n values (padding is 0)
//   1 vars   (read)        one VarInfo per variable, in arena order (src/optim/arena.ts writes it)
//   2 scale  (read)        per-variable gradient factor: 1, or the clip-by-norm factor (clip_scale)
//   3 param  (read_write)  parameter arena, updated in place (padding is 0 and stays 0)
//   4 slots  (read_write)  optimizer state: slot j of element e at j * n + e
// and the kernel's own uniform struct is binding 5 (`u`, with members n and nvars).
// The arenas are bound as vec4s (n is a multiple of ARENA_CHUNK): vec4 i holds elements 4i..4i+3.
// The entry point is here: each optimizer's shader defines `fn update(i, v)`, the update of the
// arena's vec4 i, in variable v, written with vec4 arithmetic (scalars broadcast). Padding
// elements in a variable's last vec4 see a zero gradient and zero state; arena_store keeps them 0.
// Dispatch: ceil(n / ARENA_CHUNK) workgroups on a 2-D grid.
//!include optim/common/var_info.wgsl

@group(0) @binding(0) var<storage, read> grad: array<vec4f>;
@group(0) @binding(1) var<storage, read> vars: array<VarInfo>;
@group(0) @binding(2) var<storage, read> scale: array<f32>;
@group(0) @binding(3) var<storage, read_write> param: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> slots: array<vec4f>;

// Invocations per workgroup, each updating one vec4.
const WG: u32 = 64u;
// Arena elements per workgroup. The arena starts every variable at a multiple of it
// (src/kernel_ids/optim.ts: arenaChunk), so the elements of one workgroup belong to one variable
// or to padding.
const ARENA_CHUNK: u32 = 4u * WG;

// The variable whose range holds arena element `first`, or nvars for padding: a binary search over
// the sorted ranges.
fn arena_var(first: u32, nvars: u32) -> u32 {
  var lo = 0u;
  var hi = nvars - 1u;
  while (lo < hi) {
    let mid = (lo + hi) / 2u;
    if (vars[mid].end > first) { hi = mid; } else { lo = mid + 1u; }
  }
  if (first < vars[lo].start || first >= vars[lo].end) { return nvars; }
  return lo;
}

// One workgroup per chunk: the variable is looked up once, from the chunk's first element, which
// is the same in every invocation (on software Vulkan a per-element search cost as much as the
// update itself; once per chunk, its reads are a few per element of 4·WG). vec4 reads and
// writes: on software Vulkan each read by an invocation is a loop over the SIMD lanes, so four
// elements per read halve the time of a streaming update (measured: Adam over 12.9M values).
@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let first = (wid.x + wid.y * nwg.x) * ARENA_CHUNK;
  if (first >= u.n) { return; }
  let v = arena_var(first, u.nvars);
  if (v == u.nvars) { return; }
  let i = first / 4u + lid;
  if (4u * i < vars[v].end) { update(i, v); }
}

// Index in `slots` of slot j of the arena's vec4 i.
fn slot_at(j: u32, i: u32) -> u32 {
  return j * (u.n / 4u) + i;
}

// The gradient the update sees: scaled (clip by norm), then clipped by value when clip_value > 0.
fn arena_grad(i: u32, v: u32, clip_value: f32) -> vec4f {
  var g = grad[i] * scale[v];
  if (clip_value > 0.0) { g = clamp(g, vec4f(-clip_value), vec4f(clip_value)); }
  return g;
}

// Stores the updated values, projected onto the variable's box constraint if it has one; elements
// past the variable's end (padding) stay 0.
fn arena_store(i: u32, v: u32, w: vec4f) {
  var out = w;
  if (vars[v].box_constraint != 0u) { out = clamp(w, vec4f(vars[v].lo), vec4f(vars[v].hi)); }
  let inside = vec4u(4u * i) + vec4u(0u, 1u, 2u, 3u) < vec4u(vars[v].end);
  param[i] = select(vec4f(0.0), out, inside);
}
