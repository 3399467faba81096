// AdamW: decoupled weight decay, then Adam. Source: Keras 2.11+ tf.keras.optimizers.AdamW
// (keras/optimizers/adamw.py; the decay is the base optimizer's _apply_weight_decay in
// keras/optimizers/optimizer.py, applied before the update):
//   w = w - w * weight_decay * lr
//   alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
// then the step of shaders/optim/common/adam_step.wgsl (slots, uniforms).
// Defaults (src/optim/adam.ts): lr 0.001, weight_decay 0.004, beta1 0.9, beta2 0.999, eps 1e-7.
// Layout, bindings 0-4 (grad, vars, scale, param, slots), the gradient preprocessing, the dispatch
// and the entry point: shaders/optim/common/arena.wgsl; binding 5: the uniforms.
//!include optim/common/adam_step.wgsl

// Called by the entry point of arena.wgsl for each vec4 i of variable v (vec4 arithmetic).
fn update(i: u32, v: u32) {
  let g = arena_grad(i, v, u.clip_value);
  var w = param[i];
  w = w - w * u.weight_decay * u.lr;
  arena_store(i, v, adam_step(i, g, w));
}
