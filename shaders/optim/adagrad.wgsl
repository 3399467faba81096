// Adagrad. Source: TF 2.1 tf.keras.optimizers.Adagrad (tensorflow/python/keras/optimizer_v2/adagrad.py),
// dense path ResourceApplyAdagradV2 (tensorflow/core/kernels/training_ops.cc, ApplyAdagradV2):
//   acc = acc + g*g
//   w = w - g * lr / (sqrt(acc) + eps)
// Slot 0: acc, starting at initial_accumulator_value (0.1 by default; src/optim/adagrad.ts).
// Defaults: lr 0.001, initial_accumulator_value 0.1, eps 1e-7.
// Layout, bindings 0-4 (grad, vars, scale, param, slots), the gradient preprocessing, the dispatch
// and the entry point: shaders/optim/common/arena.wgsl; binding 5: the uniforms below.
//!include optim/common/arena.wgsl

struct Params {
  n: u32,
  nvars: u32,
  clip_value: f32,
  lr: f32,
  epsilon: f32,
}

@group(0) @binding(5) var<uniform> u: Params;

// Called by the entry point of arena.wgsl for each vec4 i of variable v (vec4 arithmetic).
fn update(i: u32, v: u32) {
  let g = arena_grad(i, v, u.clip_value);
  let acc = slots[slot_at(0u, i)] + g * g;
  slots[slot_at(0u, i)] = acc;
  let w = param[i] - g * u.lr / (sqrt(acc) + u.epsilon);
  arena_store(i, v, w);
}
