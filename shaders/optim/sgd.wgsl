// SGD with optional momentum, Keras form. Source: TF 2.1 tf.keras.optimizers.SGD
// (tensorflow/python/keras/optimizer_v2/gradient_descent.py), whose dense path calls
// ResourceApplyGradientDescent or ResourceApplyKerasMomentum (tensorflow/core/kernels/training_ops.cc,
// ApplyGradientDescent / ApplyKerasMomentum):
//   momentum == 0:  w = w - g * lr
//   momentum > 0:   v = v * momentum - g * lr;  w = w + v                     (slot 0: v, starts at 0)
//   nesterov:       v = v * momentum - g * lr;  w = w + (v * momentum - g * lr)
// Defaults (src/optim/sgd.ts): lr 0.01, momentum 0, nesterov false.
// Layout, bindings 0-4 (grad, vars, scale, param, slots), the gradient preprocessing, the dispatch
// and the entry point: shaders/optim/common/arena.wgsl; binding 5: the uniforms below.
//!include optim/common/arena.wgsl

struct Params {
  n: u32,
  nvars: u32,
  clip_value: f32,
  lr: f32,
  momentum: f32,
  nesterov: u32,
}

@group(0) @binding(5) var<uniform> u: Params;

// Called by the entry point of arena.wgsl for each vec4 i of variable v (vec4 arithmetic).
fn update(i: u32, v: u32) {
  let g = arena_grad(i, v, u.clip_value);
  var w = param[i];
  if (u.momentum > 0.0) {
    let vel = slots[slot_at(0u, i)] * u.momentum - g * u.lr;
    slots[slot_at(0u, i)] = vel;
    if (u.nesterov != 0u) {
      w = w + (vel * u.momentum - g * u.lr);
    } else {
      w = w + vel;
    }
  } else {
    w = w - g * u.lr;
  }
  arena_store(i, v, w);
}
