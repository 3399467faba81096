// AdamW: decoupled weight decay, then Adam. Source: Keras 2.11+ tf.keras.optimizers.AdamW
// (keras/optimizers/adamw.py; the decay is the base optimizer's _apply_weight_decay in
// keras/optimizers/optimizer.py, applied before the update):
//   w = w - w * weight_decay * lr
//   alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
//   m = m + (g - m) * (1 - beta1);  v = v + (g*g - v) * (1 - beta2);  vhat = max(vhat, v) (amsgrad)
//   w = w - m * alpha / (sqrt(v or vhat) + eps)
// Slots (all start at 0): 0 m, 1 v, 2 vhat (amsgrad only).
// Defaults (src/optim/adam.ts): lr 0.001, weight_decay 0.004, beta1 0.9, beta2 0.999, eps 1e-7.
// Layout, bindings 0-4 and the gradient preprocessing: shaders/optim/arena.wgsl (grad, vars, scale,
// param, slots); binding 5: the uniforms below.
// Dispatch and entry point: shaders/optim/arena.wgsl.

struct Params {
  n: u32,
  nvars: u32,
  clip_value: f32,
  alpha: f32,
  beta1: f32,
  beta2: f32,
  epsilon: f32,
  amsgrad: u32,
  lr: f32,
  weight_decay: f32,
}

@group(0) @binding(5) var<uniform> u: Params;

// Called by the entry point of arena.wgsl for each vec4 i of variable v (vec4 arithmetic).
fn update(i: u32, v: u32) {
  let g = arena_grad(i, v, u.clip_value);
  var w = param[i];
  w = w - w * u.weight_decay * u.lr;
  var m = slots[slot_at(0u, i)];
  var vel = slots[slot_at(1u, i)];
  m = m + (g - m) * (1.0 - u.beta1);
  vel = vel + (g * g - vel) * (1.0 - u.beta2);
  slots[slot_at(0u, i)] = m;
  slots[slot_at(1u, i)] = vel;
  if (u.amsgrad != 0u) {
    vel = max(slots[slot_at(2u, i)], vel);
    slots[slot_at(2u, i)] = vel;
  }
  w = w - m * u.alpha / (sqrt(vel) + u.epsilon);
  arena_store(i, v, w);
}
