// Elementwise unary functions, one per kernel id: op_<id>(x, a, b), where a and b carry the op's
// scalars (unused ones are ignored). The CPU twins in src/backend/cpu/unary.ts state the same
// formulas. These are the building blocks of fused kernels too.
//!include common/indexing.wgsl
//!include common/binary_ops.wgsl

const SELU_ALPHA: f32 = 1.6732632423543772;
const SELU_SCALE: f32 = 1.0507009873554805;
const SQRT_2_OVER_PI: f32 = 0.7978845608028654;
const INV_SQRT_2: f32 = 0.7071067811865476;

fn op_neg(x: f32, a: f32, b: f32) -> f32 { return -x; }
fn op_abs(x: f32, a: f32, b: f32) -> f32 { return abs(x); }
// NaN stays NaN (the built-ins max, min, clamp and sign may turn it into a number).
fn op_sign(x: f32, a: f32, b: f32) -> f32 { return select(sign(x), x, f32_is_nan(x)); }
fn op_square(x: f32, a: f32, b: f32) -> f32 { return x * x; }
fn op_sqrt(x: f32, a: f32, b: f32) -> f32 { return sqrt(x); }
fn op_rsqrt(x: f32, a: f32, b: f32) -> f32 { return 1.0 / sqrt(x); }
fn op_exp(x: f32, a: f32, b: f32) -> f32 { return exp(x); }
fn op_log(x: f32, a: f32, b: f32) -> f32 { return log(x); }
fn op_reciprocal(x: f32, a: f32, b: f32) -> f32 { return 1.0 / x; }
fn op_copy(x: f32, a: f32, b: f32) -> f32 { return x; }

// log(1 + x) without cancellation for small x: log(u) * x / (u - 1) corrects the rounding of u.
fn op_log1p(x: f32, a: f32, b: f32) -> f32 {
  let u = 1.0 + x;
  let d = u - 1.0;
  if (d == 0.0) { return x; }
  // +Infinity (and NaN): the correction would be Inf / Inf.
  if ((bitcast<u32>(d) & 0x7f800000u) == 0x7f800000u) { return log(u); }
  return log(u) * (x / d);
}

// exp(x) - 1 without cancellation near 0 (Kahan's trick, as for log1p).
fn op_expm1(x: f32, a: f32, b: f32) -> f32 {
  if (abs(x) < 1e-5) { return x + 0.5 * x * x; }
  return exp(x) - 1.0;
}

fn op_sin(x: f32, a: f32, b: f32) -> f32 { return sin(x); }
fn op_cos(x: f32, a: f32, b: f32) -> f32 { return cos(x); }
fn op_tan(x: f32, a: f32, b: f32) -> f32 { return tan(x); }

// asin, acos and atan within 1e-6 absolute of the exact value over their whole domain, on every
// adapter: WGSL's built-ins carry loose error bounds (acos off by 1.6e-4 near the ends on
// lavapipe). Cephes' single-precision reductions and minimax polynomials (S. L. Moshier), built
// from +, -, *, / and sqrt only, whose WGSL error bounds are a few ulp. Outside [-1, 1] asin and
// acos are NaN; NaN in gives NaN out (every comparison below is false for NaN, so it reaches the
// polynomial). The CPU twins (src/backend/cpu/unary.ts) are the float64 functions.
const TRIG_PI: f32 = 3.14159265358979323846;
const TRIG_PI_2: f32 = 1.57079632679489661923;
const TRIG_PI_4: f32 = 0.78539816339744830962;

// asin(s) for |s| <= 0.5, given z = s²: s + s·z·P(z) (relative error about 1e-7).
fn trig_asin_poly(s: f32, z: f32) -> f32 {
  let p = (((4.2163199048e-2 * z + 2.4181311049e-2) * z + 4.5470025998e-2) * z + 7.4953002686e-2) * z + 1.6666752422e-1;
  return s + s * z * p;
}

// |r| with the sign bit of x (copysign; keeps -0 and NaN).
fn trig_with_sign_of(r: f32, x: f32) -> f32 {
  return bitcast<f32>((bitcast<u32>(r) & 0x7fffffffu) | (bitcast<u32>(x) & 0x80000000u));
}

// Above 0.5, asin(a) = π/2 − 2·asin(√((1 − a)/2)): 1 − a is exact there, so the argument keeps
// its digits however close a is to 1 (asin(a) = π/2 − √(2(1 − a)) + ... is steep at 1).
fn op_asin(x: f32, a: f32, b: f32) -> f32 {
  let ax = abs(x);
  if (ax > 1.0) { return f32_nan(); }
  if (ax > 0.5) {
    let z = 0.5 * (1.0 - ax);
    return trig_with_sign_of(TRIG_PI_2 - 2.0 * trig_asin_poly(sqrt(z), z), x);
  }
  return trig_asin_poly(x, x * x);
}

// acos(x) = 2·asin(√((1 − x)/2)) near 1 (small results keep their relative precision),
// π − 2·asin(√((1 + x)/2)) near −1, π/2 − asin(x) between.
fn op_acos(x: f32, a: f32, b: f32) -> f32 {
  if (abs(x) > 1.0) { return f32_nan(); }
  if (x > 0.5) {
    let z = 0.5 * (1.0 - x);
    return 2.0 * trig_asin_poly(sqrt(z), z);
  }
  if (x < -0.5) {
    let z = 0.5 * (1.0 + x);
    return TRIG_PI - 2.0 * trig_asin_poly(sqrt(z), z);
  }
  return TRIG_PI_2 - trig_asin_poly(x, x * x);
}

// atan(a) = π/2 + atan(−1/a) above tan(3π/8), π/4 + atan((a − 1)/(a + 1)) above tan(π/8), so the
// polynomial sees |t| <= tan(π/8). −1/a is taken of min(a, 1e30), inside the range where WGSL
// bounds division's error; atan(±inf) = ±π/2.
fn op_atan(x: f32, a: f32, b: f32) -> f32 {
  let ax = abs(x);
  var base = 0.0;
  var t = ax;
  if (ax > 2.414213562373095) {
    base = TRIG_PI_2;
    t = -1.0 / min(ax, 1e30);
  } else if (ax > 0.4142135623730950) {
    base = TRIG_PI_4;
    t = (ax - 1.0) / (ax + 1.0);
  }
  let z = t * t;
  let p = ((8.05374449538e-2 * z - 1.38776856032e-1) * z + 1.99777106478e-1) * z - 3.33329491539e-1;
  return trig_with_sign_of(base + (t + t * z * p), x);
}
fn op_sinh(x: f32, a: f32, b: f32) -> f32 { return sinh(x); }
fn op_cosh(x: f32, a: f32, b: f32) -> f32 { return cosh(x); }
// tanh from exp(-2|x|): the built-in can return NaN for large |x| (inf / inf) on some drivers.
fn op_tanh(x: f32, a: f32, b: f32) -> f32 {
  let e = exp(-2.0 * abs(x));
  return sign(x) * (1.0 - e) / (1.0 + e);
}
fn op_asinh(x: f32, a: f32, b: f32) -> f32 { return sign(x) * log(abs(x) + sqrt(x * x + 1.0)); }
fn op_acosh(x: f32, a: f32, b: f32) -> f32 { return log(x + sqrt(x * x - 1.0)); }
fn op_atanh(x: f32, a: f32, b: f32) -> f32 { return 0.5 * (op_log1p(x, 0.0, 0.0) - op_log1p(-x, 0.0, 0.0)); }

// Both branches are finite: exp never overflows because its argument is <= 0.
fn op_sigmoid(x: f32, a: f32, b: f32) -> f32 {
  let e = exp(-abs(x));
  if (x >= 0.0) { return 1.0 / (1.0 + e); }
  return e / (1.0 + e);
}
fn op_softplus(x: f32, a: f32, b: f32) -> f32 { return max(x, 0.0) + op_log1p(exp(-abs(x)), 0.0, 0.0); }
fn op_relu(x: f32, a: f32, b: f32) -> f32 { return select(max(x, 0.0), x, f32_is_nan(x)); }
fn op_relu6(x: f32, a: f32, b: f32) -> f32 { return select(clamp(x, 0.0, 6.0), x, f32_is_nan(x)); }
fn op_leaky_relu(x: f32, a: f32, b: f32) -> f32 { return select(a * x, x, x > 0.0); }
fn op_elu(x: f32, a: f32, b: f32) -> f32 { return select(a * op_expm1(x, 0.0, 0.0), x, x > 0.0); }
fn op_selu(x: f32, a: f32, b: f32) -> f32 { return SELU_SCALE * select(SELU_ALPHA * op_expm1(x, 0.0, 0.0), x, x > 0.0); }

// erf by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7, under float32 rounding here).
fn op_erf(x: f32, a: f32, b: f32) -> f32 {
  let t = 1.0 / (1.0 + 0.3275911 * abs(x));
  let poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign(x) * (1.0 - poly * exp(-x * x));
}
fn op_gelu(x: f32, a: f32, b: f32) -> f32 { return 0.5 * x * (1.0 + op_erf(x * INV_SQRT_2, 0.0, 0.0)); }
fn op_gelu_tanh(x: f32, a: f32, b: f32) -> f32 {
  return 0.5 * x * (1.0 + op_tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x), 0.0, 0.0));
}

fn op_step(x: f32, a: f32, b: f32) -> f32 { return select(0.0, 1.0, x > 0.0); }
fn op_floor(x: f32, a: f32, b: f32) -> f32 { return floor(x); }
fn op_ceil(x: f32, a: f32, b: f32) -> f32 { return ceil(x); }
// WGSL's round() rounds halves to even, as TensorFlow does.
fn op_round(x: f32, a: f32, b: f32) -> f32 { return round(x); }
fn op_trunc(x: f32, a: f32, b: f32) -> f32 { return trunc(x); }
fn op_clip(x: f32, a: f32, b: f32) -> f32 { return select(min(max(x, a), b), x, f32_is_nan(x)); }
fn op_logical_not(x: f32, a: f32, b: f32) -> f32 { return select(0.0, 1.0, x == 0.0); }
// Bit tests: compilers may assume NaN never occurs and fold x != x away.
fn op_is_nan(x: f32, a: f32, b: f32) -> f32 {
  let bits = bitcast<u32>(x);
  return select(0.0, 1.0, (bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0u);
}
fn op_is_finite(x: f32, a: f32, b: f32) -> f32 {
  return select(0.0, 1.0, (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u);
}

// x^a, defined for negative x when a is an integer (as pow is in TensorFlow).
fn op_pow_scalar(x: f32, a: f32, b: f32) -> f32 { return op_pow(x, a); }
