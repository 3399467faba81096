// Adam with optional AMSGrad. Source: TF 2.1 tf.keras.optimizers.Adam
// (tensorflow/python/keras/optimizer_v2/adam.py), dense path ResourceApplyAdam /
// ResourceApplyAdamWithAmsgrad (tensorflow/core/kernels/training_ops.cc). The bias correction is folded
// into the step size, computed on the CPU from the step t (1 for the first update):
//   alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
// then the step of shaders/optim/common/adam_step.wgsl (slots, uniforms).
// Defaults (src/optim/adam.ts): lr 0.001, beta1 0.9, beta2 0.999, eps 1e-7, amsgrad false.
// Layout, bindings 0-4 (grad, vars, scale, param, slots), the gradient preprocessing, the dispatch
// and the entry point: shaders/optim/common/arena.wgsl; binding 5: the uniforms.
//!include optim/common/adam_step.wgsl

// Called by the entry point of arena.wgsl for each vec4 i of variable v (vec4 arithmetic).
fn update(i: u32, v: u32) {
  let g = arena_grad(i, v, u.clip_value);
  arena_store(i, v, adam_step(i, g, param[i]));
}
