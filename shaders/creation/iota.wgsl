// Arithmetic ramp (range, linspace): out[i] = u.start + i * u.step, and out[n - 1] = u.last, the end
// point computed in double precision on the CPU side (linspace must end exactly on its stop).
// Layout: out is a flat array of u.n values.
// Bindings and dispatch: shaders/creation/common/element_grid.wgsl (one invocation per element).
//!include creation/common/element_grid.wgsl

struct Params {
  n: u32,
  start: f32,
  step: f32,
  last: f32,
}

fn element(i: u32) -> f32 {
  return select(u.start + f32(i) * u.step, u.last, i == u.n - 1u);
}
