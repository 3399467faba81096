// Parameter-arena bindings and helpers shared by the optimizer update kernels
// (shaders/optim/<optimizer>.wgsl). src/backend/webgpu/kernels/optim.ts places this file before
// each of them, so every update kernel binds the same buffers in the same order:
//   0 grad   (read)        gradient arena, n values (padding is 0)
//   1 vars   (read)        one VarInfo per variable, in arena order (src/optim/arena.ts writes it)
//   2 scale  (read)        per-variable gradient factor: 1, or the clip-by-norm factor (clip_scale)
//   3 param  (read_write)  parameter arena, updated in place
//   4 slots  (read_write)  optimizer state: slot j of element i at j * n + i
// and the kernel's own uniform struct is binding 5.

struct VarInfo {
  // Elements [start, end) of the arena belong to this variable.
  start: u32,
  end: u32,
  // Nonzero: clamp the updated value to [lo, hi] (constraints nonNeg and clipTo).
  box_constraint: u32,
  _pad0: u32,
  lo: f32,
  hi: f32,
  _pad1: f32,
  _pad2: f32,
}

@group(0) @binding(0) var<storage, read> grad: array<f32>;
@group(0) @binding(1) var<storage, read> vars: array<VarInfo>;
@group(0) @binding(2) var<storage, read> scale: array<f32>;
@group(0) @binding(3) var<storage, read_write> param: array<f32>;
@group(0) @binding(4) var<storage, read_write> slots: array<f32>;

// The variable that owns arena element i, or nvars for alignment padding (binary search over the
// sorted ranges: a few reads of a small, cached table).
fn arena_var(i: u32, nvars: u32) -> u32 {
  var lo = 0u;
  var hi = nvars - 1u;
  while (lo < hi) {
    let mid = (lo + hi) / 2u;
    if (vars[mid].end > i) { hi = mid; } else { lo = mid + 1u; }
  }
  if (i < vars[lo].start || i >= vars[lo].end) { return nvars; }
  return lo;
}

// The gradient the update sees: scaled (clip by norm), then clipped by value when clip_value > 0.
fn arena_grad(i: u32, v: u32, clip_value: f32) -> f32 {
  var g = grad[i] * scale[v];
  if (clip_value > 0.0) { g = clamp(g, -clip_value, clip_value); }
  return g;
}

// Stores the updated value, projected onto the variable's box constraint if it has one.
fn arena_store(i: u32, v: u32, w: f32) {
  var out = w;
  if (vars[v].box_constraint != 0u) { out = clamp(w, vars[v].lo, vars[v].hi); }
  param[i] = out;
}
