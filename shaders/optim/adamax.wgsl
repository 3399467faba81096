// Adamax (Adam with the infinity norm). Source: TF 2.1 tf.keras.optimizers.Adamax
// (tensorflow/python/keras/optimizer_v2/adamax.py), dense path ResourceApplyAdaMax
// (tensorflow/core/kernels/training_ops.cc, ApplyAdaMax):
//   m = m + (g - m) * (1 - beta1)
//   u = max(beta2 * u, |g|)
//   w = w - lr / (1 - beta1^t) * (m / (u + eps))       lr / (1 - beta1^t) arrives as lr_t
// Slots (both start at 0): 0 m, 1 u.
// Defaults (src/optim/adamax.ts): lr 0.001, beta1 0.9, beta2 0.999, eps 1e-7.
// Layout, bindings 0-4 (grad, vars, scale, param, slots), the gradient preprocessing, the dispatch
// and the entry point: shaders/optim/common/arena.wgsl; binding 5: the uniforms below.
//!include optim/common/arena.wgsl

struct Params {
  n: u32,
  nvars: u32,
  clip_value: f32,
  lr_t: f32,
  beta1: f32,
  beta2: f32,
  epsilon: f32,
}

@group(0) @binding(5) var<uniform> u: Params;

// Called by the entry point of arena.wgsl for each vec4 i of variable v (vec4 arithmetic).
fn update(i: u32, v: u32) {
  let g = arena_grad(i, v, u.clip_value);
  var m = slots[slot_at(0u, i)];
  m = m + (g - m) * (1.0 - u.beta1);
  let inf_norm = max(u.beta2 * slots[slot_at(1u, i)], abs(g));
  slots[slot_at(0u, i)] = m;
  slots[slot_at(1u, i)] = inf_norm;
  let w = param[i] - u.lr_t * (m / (inf_norm + u.epsilon));
  arena_store(i, v, w);
}
