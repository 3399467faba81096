// Adadelta. Source: TF 2.1 tf.keras.optimizers.Adadelta (tensorflow/python/keras/optimizer_v2/adadelta.py),
// dense path ResourceApplyAdadelta (tensorflow/core/kernels/training_ops.cc, ApplyAdadelta):
//   acc = acc * rho + g*g * (1 - rho)
//   update = sqrt(acc_update + eps) * rsqrt(acc + eps) * g
//   w = w - update * lr
//   acc_update = acc_update * rho + update*update * (1 - rho)
// Slots (both start at 0): 0 acc ("accum_grad"), 1 acc_update ("accum_var").
// Defaults (src/optim/adadelta.ts): lr 0.001, rho 0.95, eps 1e-7.
// Layout, bindings 0-4 (grad, vars, scale, param, slots), the gradient preprocessing, the dispatch
// and the entry point: shaders/optim/common/arena.wgsl; binding 5: the uniforms below.
//!include optim/common/arena.wgsl

struct Params {
  n: u32,
  nvars: u32,
  clip_value: f32,
  lr: f32,
  rho: f32,
  epsilon: f32,
}

@group(0) @binding(5) var<uniform> u: Params;

// Called by the entry point of arena.wgsl for each vec4 i of variable v (vec4 arithmetic).
fn update(i: u32, v: u32) {
  let g = arena_grad(i, v, u.clip_value);
  let acc = slots[slot_at(0u, i)] * u.rho + g * g * (1.0 - u.rho);
  let acc_update = slots[slot_at(1u, i)];
  let update = sqrt(acc_update + u.epsilon) / sqrt(acc + u.epsilon) * g;
  slots[slot_at(0u, i)] = acc;
  slots[slot_at(1u, i)] = acc_update * u.rho + update * update * (1.0 - u.rho);
  let w = param[i] - update * u.lr;
  arena_store(i, v, w);
}
