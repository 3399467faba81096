// The Adam step shared by adam.wgsl and adamw.wgsl (AdamW decays the weights first), and their
// uniform struct (adam leaves lr and weight_decay at 0). With the step size alpha folded from
// the step t on the CPU:
//   m = m + (g - m) * (1 - beta1);  v = v + (g*g - v) * (1 - beta2)
//   vhat = max(vhat, v)                                                       (amsgrad)
//   w = w - m * alpha / (sqrt(v or vhat) + eps)
// Slots (all start at 0): 0 m, 1 v, 2 vhat (amsgrad only).
//!include optim/common/arena.wgsl

struct Params {
  n: u32,
  nvars: u32,
  clip_value: f32,
  alpha: f32,
  beta1: f32,
  beta2: f32,
  epsilon: f32,
  amsgrad: u32,
  // AdamW only: the decoupled weight decay w - w * weight_decay * lr.
  lr: f32,
  weight_decay: f32,
}

@group(0) @binding(5) var<uniform> u: Params;

// Adam's update of the arena's vec4 i from gradient g and weights w; updates the slots and
// returns the new weights.
fn adam_step(i: u32, g: vec4f, w: vec4f) -> vec4f {
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
  return w - m * u.alpha / (sqrt(vel) + u.epsilon);
}
