// Elementwise binary functions, one per kernel id: op_<id>(a, b). The CPU twins in
// src/backend/cpu/binary.ts state the same formulas. Comparisons return 0 or 1.
//!include common/indexing.wgsl

fn op_add(a: f32, b: f32) -> f32 { return a + b; }
fn op_sub(a: f32, b: f32) -> f32 { return a - b; }
fn op_mul(a: f32, b: f32) -> f32 { return a * b; }
fn op_div(a: f32, b: f32) -> f32 { return a / b; }
fn op_maximum(a: f32, b: f32) -> f32 { return max(a, b); }
fn op_minimum(a: f32, b: f32) -> f32 { return min(a, b); }
fn op_atan2(a: f32, b: f32) -> f32 { return atan2(a, b); }
fn op_squared_difference(a: f32, b: f32) -> f32 { let d = a - b; return d * d; }
// Python/NumPy modulo: the result takes the sign of the divisor.
fn op_mod(a: f32, b: f32) -> f32 { return a - b * floor(a / b); }
fn op_floor_div(a: f32, b: f32) -> f32 { return floor(a / b); }

// pow with TensorFlow's semantics for negative bases: defined when the exponent is an integer.
fn op_pow(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (a >= 0.0) {
    if (a == 0.0) { return select(0.0, f32_inf(), b < 0.0); }
    return exp2(b * log2(a));
  }
  if (b != floor(b)) { return f32_nan(); }
  let m = exp2(b * log2(-a));
  let odd = (b - 2.0 * floor(b * 0.5)) != 0.0;
  return select(m, -m, odd);
}

fn op_equal(a: f32, b: f32) -> f32 { return select(0.0, 1.0, a == b); }
fn op_not_equal(a: f32, b: f32) -> f32 { return select(0.0, 1.0, a != b); }
fn op_greater(a: f32, b: f32) -> f32 { return select(0.0, 1.0, a > b); }
fn op_greater_equal(a: f32, b: f32) -> f32 { return select(0.0, 1.0, a >= b); }
fn op_less(a: f32, b: f32) -> f32 { return select(0.0, 1.0, a < b); }
fn op_less_equal(a: f32, b: f32) -> f32 { return select(0.0, 1.0, a <= b); }
fn op_logical_and(a: f32, b: f32) -> f32 { return select(0.0, 1.0, a != 0.0 && b != 0.0); }
fn op_logical_or(a: f32, b: f32) -> f32 { return select(0.0, 1.0, a != 0.0 || b != 0.0); }
