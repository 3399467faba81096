// Elementwise binary functions, one per kernel id: op_<id>(a, b). The CPU twins in
// src/backend/cpu/binary.ts state the same formulas. Comparisons return 0 or 1.
//!include common/indexing.wgsl
//
// NaN: every function gives what the CPU twin (JavaScript arithmetic) gives. WGSL's max, min and
// clamp may return the other operand when one is NaN, and shader compilers may assume that no
// value is NaN when they compile a comparison (lavapipe evaluates NaN != x as false). So NaN is
// tested on the bits (f32_is_nan), never with a float comparison, and a nonzero test that must
// count NaN as nonzero (where, logical ops) tests the bits too.

// Whether x is NaN: exponent all ones, mantissa nonzero. Compilers cannot fold a bit test away.
fn f32_is_nan(x: f32) -> bool {
  let bits = bitcast<u32>(x);
  return (bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0u;
}

// x != 0 with NaN counted as nonzero (JavaScript's and IEEE's x != 0): any bit but the sign set.
fn f32_nonzero(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) != 0u; }

// a != b as IEEE defines it: true when either is NaN.
fn f32_not_equal(a: f32, b: f32) -> bool { return f32_is_nan(a) || f32_is_nan(b) || !(a == b); }

// Whether a and b are the same value for arg-reductions' tie rule (NaN ties with NaN).
fn f32_same(a: f32, b: f32) -> bool { return a == b || (f32_is_nan(a) && f32_is_nan(b)); }

// Arg-reductions (argmax/argmin, max pooling's window argmax): v beats best strictly. NaN beats
// every number and ties with NaN, so the first NaN wins (numpy, PyTorch and JAX's argmax).
fn arg_max_better(v: f32, best: f32) -> bool { return (f32_is_nan(v) && !f32_is_nan(best)) || v > best; }
fn arg_min_better(v: f32, best: f32) -> bool { return (f32_is_nan(v) && !f32_is_nan(best)) || v < best; }

// x with the sign bit of s.
fn f32_copysign(x: f32, s: f32) -> f32 {
  return bitcast<f32>((bitcast<u32>(x) & 0x7fffffffu) | (bitcast<u32>(s) & 0x80000000u));
}

fn op_add(a: f32, b: f32) -> f32 { return a + b; }
fn op_sub(a: f32, b: f32) -> f32 { return a - b; }
fn op_mul(a: f32, b: f32) -> f32 { return a * b; }
fn op_div(a: f32, b: f32) -> f32 { return a / b; }
// NaN in either operand gives NaN (a + b is NaN then).
fn op_maximum(a: f32, b: f32) -> f32 { return select(max(a, b), a + b, f32_is_nan(a) || f32_is_nan(b)); }
fn op_minimum(a: f32, b: f32) -> f32 { return select(min(a, b), a + b, f32_is_nan(a) || f32_is_nan(b)); }
// atan2(±0, ±0) is undefined for the built-in: ±0 for b = +0, ±π for b = -0 (IEEE, Math.atan2).
fn op_atan2(a: f32, b: f32) -> f32 {
  if (a == 0.0 && b == 0.0) {
    return select(a, f32_copysign(3.141592653589793, a), (bitcast<u32>(b) & 0x80000000u) != 0u);
  }
  return atan2(a, b);
}
fn op_squared_difference(a: f32, b: f32) -> f32 { let d = a - b; return d * d; }
// Python/NumPy modulo: the result takes the sign of the divisor.
fn op_mod(a: f32, b: f32) -> f32 { return a - b * floor(a / b); }
fn op_floor_div(a: f32, b: f32) -> f32 { return floor(a / b); }

// Whether b is an odd integer (magnitudes of 2^24 and more are even integers in f32).
fn pow_odd_integer(b: f32) -> bool {
  return abs(b) < 16777216.0 && b == floor(b) && (b - 2.0 * floor(b * 0.5)) == 1.0;
}

// pow with TensorFlow's semantics for negative bases (defined when the exponent is an integer)
// and JavaScript's Math.pow for the rest: x^0 = 1, x^NaN = NaN, (±0)^odd keeps the sign of 0.
fn op_pow(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (f32_is_nan(b)) { return b; }
  let odd = pow_odd_integer(b);
  if (a == 0.0) {
    let r = select(0.0, f32_inf(), b < 0.0);
    return select(r, f32_copysign(r, a), odd);
  }
  if (a > 0.0) { return exp2(b * log2(a)); }
  // a < 0 or NaN: exp2 of NaN below gives NaN for a NaN base.
  if (!f32_is_nan(a) && abs(b) < 16777216.0 && b != floor(b)) { return f32_nan(); }
  let m = exp2(b * log2(-a));
  return select(m, -m, odd);
}

fn op_equal(a: f32, b: f32) -> f32 { return select(0.0, 1.0, a == b); }
fn op_not_equal(a: f32, b: f32) -> f32 { return select(0.0, 1.0, f32_not_equal(a, b)); }
fn op_greater(a: f32, b: f32) -> f32 { return select(0.0, 1.0, a > b); }
fn op_greater_equal(a: f32, b: f32) -> f32 { return select(0.0, 1.0, a >= b); }
fn op_less(a: f32, b: f32) -> f32 { return select(0.0, 1.0, a < b); }
fn op_less_equal(a: f32, b: f32) -> f32 { return select(0.0, 1.0, a <= b); }
fn op_logical_and(a: f32, b: f32) -> f32 { return select(0.0, 1.0, f32_nonzero(a) && f32_nonzero(b)); }
fn op_logical_or(a: f32, b: f32) -> f32 { return select(0.0, 1.0, f32_nonzero(a) || f32_nonzero(b)); }
// where(cond, a, b): a where cond is nonzero (NaN included), else b. Fused kernels call it too.
fn op_where(c: f32, a: f32, b: f32) -> f32 { return select(b, a, f32_nonzero(c)); }
