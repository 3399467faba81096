// Constant fill: out[i] = u.value.
// Layout: out is a flat array of u.n values.
// Bindings and dispatch: shaders/creation/common/element_grid.wgsl (one invocation per element).
//!include creation/common/element_grid.wgsl

struct Params {
  n: u32,
  value: f32,
}

fn element(i: u32) -> f32 {
  return u.value;
}
