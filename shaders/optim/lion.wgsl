// Lion. Source: Keras 2.12+ tf.keras.optimizers.Lion (keras/optimizers/lion.py, dense update_step),
// with the base optimizer's optional decoupled weight decay first (keras/optimizers/optimizer.py):
//   w = w - w * weight_decay * lr
//   w = w - lr * sign(m * beta1 + g * (1 - beta1))
//   m = m * beta2 + g * (1 - beta2)
// Slot 0: m, starts at 0.
// Defaults (src/optim/lion.ts): lr 1e-4, beta1 0.9, beta2 0.99, weight_decay 0.
// Layout, bindings 0-4 and the gradient preprocessing: shaders/optim/arena.wgsl (grad, vars, scale,
// param, slots); binding 5: the uniforms below.
// Dispatch: ceil(n / WG) workgroups on a 2-D grid; one invocation updates one arena element
// (padding between variables is skipped).

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

override WG: u32 = 256u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = linear_index(gid, nwg, WG);
  if (i >= u.n) { return; }
  let v = arena_var(i, u.nvars);
  if (v == u.nvars) { return; }
  let g = arena_grad(i, v, u.clip_value);
  let m = slots[i];
  var w = param[i];
  w = w - w * u.weight_decay * u.lr;
  w = w - u.lr * sign(m * u.beta1 + g * (1.0 - u.beta1));
  slots[i] = m * u.beta2 + g * (1.0 - u.beta2);
  arena_store(i, v, w);
}
