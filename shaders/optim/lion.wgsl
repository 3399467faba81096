// Lion. Source: Keras 2.12+ tf.keras.optimizers.Lion (keras/optimizers/lion.py, dense update_step),
// with the base optimizer's optional decoupled weight decay first (keras/optimizers/optimizer.py):
//   w = w - w * weight_decay * lr
//   w = w - lr * sign(m * beta1 + g * (1 - beta1))
//   m = m * beta2 + g * (1 - beta2)
// Slot 0: m, starts at 0.
// Defaults (src/optim/lion.ts): lr 1e-4, beta1 0.9, beta2 0.99, weight_decay 0.
// Layout, bindings 0-4 (grad, vars, scale, param, slots), the gradient preprocessing, the dispatch
// and the entry point: shaders/optim/common/arena.wgsl; binding 5: the uniforms below.
//!include optim/common/arena.wgsl

struct Params {
  n: u32,
  nvars: u32,
  clip_value: f32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  weight_decay: f32,
}

@group(0) @binding(5) var<uniform> u: Params;

// Called by the entry point of arena.wgsl for each vec4 i of variable v (vec4 arithmetic).
fn update(i: u32, v: u32) {
  let g = arena_grad(i, v, u.clip_value);
  let m = slots[slot_at(0u, i)];
  var w = param[i];
  w = w - w * u.weight_decay * u.lr;
  w = w - u.lr * sign(m * u.beta1 + g * (1.0 - u.beta1));
  slots[slot_at(0u, i)] = m * u.beta2 + g * (1.0 - u.beta2);
  arena_store(i, v, w);
}
