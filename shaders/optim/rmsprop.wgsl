// RMSprop with optional momentum and centering. Source: TF 2.1 tf.keras.optimizers.RMSprop
// (tensorflow/python/keras/optimizer_v2/rmsprop.py). With momentum > 0 it calls ResourceApplyRMSProp /
// ResourceApplyCenteredRMSProp (tensorflow/core/kernels/training_ops.cc):
//   ms  = ms + (g*g - ms) * (1 - rho)
//   mg  = mg + (g - mg) * (1 - rho)                              (centered)
//   mom = mom * momentum + g * lr / sqrt(ms [- mg*mg] + eps);  w = w - mom
// With momentum == 0 its Python path computes
//   ms = rho * ms + (1 - rho) * g*g;  mg = rho * mg + (1 - rho) * g;  w = w - lr * g / D
// where TF 2.1 uses D = sqrt(ms [- mg*mg]) + eps. Here D follows u.epsilon_inside: sqrt(denom + eps)
// (the documented formula, TF's kernels, Keras >= 2.11) or sqrt(denom) + eps (TF 2.1, momentum 0).
// Slots (all start at 0): 0 ms; 1 mom (only when momentum > 0); next: mg (only when centered).
// Defaults (src/optim/rmsprop.ts): lr 0.001, rho 0.9, momentum 0, eps 1e-7, centered false.
// Layout, bindings 0-4 (grad, vars, scale, param, slots), the gradient preprocessing, the dispatch
// and the entry point: shaders/optim/common/arena.wgsl; binding 5: the uniforms below.
//!include optim/common/arena.wgsl

struct Params {
  n: u32,
  nvars: u32,
  clip_value: f32,
  lr: f32,
  rho: f32,
  momentum: f32,
  epsilon: f32,
  centered: u32,
  epsilon_inside: u32,
}

@group(0) @binding(5) var<uniform> u: Params;

// Called by the entry point of arena.wgsl for each vec4 i of variable v (vec4 arithmetic).
fn update(i: u32, v: u32) {
  let g = arena_grad(i, v, u.clip_value);
  let has_momentum = u.momentum > 0.0;
  let ms_at = slot_at(0u, i);
  let mom_at = slot_at(1u, i);
  let mg_at = slot_at(select(1u, 2u, has_momentum), i);
  var ms = slots[ms_at];
  var mg = vec4f(0.0);
  if (has_momentum) {
    ms = ms + (g * g - ms) * (1.0 - u.rho);
    if (u.centered != 0u) { mg = slots[mg_at] + (g - slots[mg_at]) * (1.0 - u.rho); }
  } else {
    ms = u.rho * ms + (1.0 - u.rho) * g * g;
    if (u.centered != 0u) { mg = u.rho * slots[mg_at] + (1.0 - u.rho) * g; }
  }
  slots[ms_at] = ms;
  var denom = ms;
  if (u.centered != 0u) {
    slots[mg_at] = mg;
    denom = ms - mg * mg;
  }
  var d = sqrt(denom) + u.epsilon;
  if (u.epsilon_inside != 0u) { d = sqrt(denom + u.epsilon); }
  var w = param[i];
  if (has_momentum) {
    let mom = slots[mom_at] * u.momentum + g * u.lr / d;
    slots[mom_at] = mom;
    w = w - mom;
  } else {
    w = w - u.lr * g / d;
  }
  arena_store(i, v, w);
}
