// Nadam (Adam with Nesterov momentum and Dozat's momentum schedule). Source: TF 2.1
// tf.keras.optimizers.Nadam (tensorflow/python/keras/optimizer_v2/nadam.py, _prepare_local and
// _resource_apply_dense). The schedule, computed on the CPU for step t (schedule decay 0.004):
//   mu_t = beta1 * (1 - 0.5 * 0.96^(0.004 t)),  m_t = mu_t,  m_t1 = mu_{t+1}
//   m_schedule_new = prod_{i<=t} mu_i,  m_schedule_next = m_schedule_new * mu_{t+1}
//   v_denom = 1 - beta2^t
// and per element:
//   g' = g / (1 - m_schedule_new)
//   m = beta1 * m + (1 - beta1) * g;        m' = m / (1 - m_schedule_next)
//   v = beta2 * v + (1 - beta2) * g*g;      v' = v / v_denom
//   m_bar = (1 - m_t) * g' + m_t1 * m'
//   w = w - lr * m_bar / (sqrt(v') + eps)
// Slots (both start at 0): 0 m, 1 v.
// Defaults (src/optim/nadam.ts): lr 0.001, beta1 0.9, beta2 0.999, eps 1e-7.
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
  epsilon: f32,
  m_t: f32,
  m_t1: f32,
  m_schedule_new: f32,
  m_schedule_next: f32,
  v_denom: f32,
}

@group(0) @binding(5) var<uniform> u: Params;

// Called by the entry point of arena.wgsl for each vec4 i of variable v (vec4 arithmetic).
fn update(i: u32, v: u32) {
  let g = arena_grad(i, v, u.clip_value);
  let g_prime = g / (1.0 - u.m_schedule_new);
  let m = u.beta1 * slots[slot_at(0u, i)] + (1.0 - u.beta1) * g;
  let m_prime = m / (1.0 - u.m_schedule_next);
  let vel = u.beta2 * slots[slot_at(1u, i)] + (1.0 - u.beta2) * g * g;
  let v_prime = vel / u.v_denom;
  slots[slot_at(0u, i)] = m;
  slots[slot_at(1u, i)] = vel;
  let m_bar = (1.0 - u.m_t) * g_prime + u.m_t1 * m_prime;
  let w = param[i] - u.lr * m_bar / (sqrt(v_prime) + u.epsilon);
  arena_store(i, v, w);
}
