import type { CpuKernels } from './kernel_table.js';
import { unaryKernelIds, type UnaryKernelId, type UnaryKernels } from '../../kernel_ids/unary.js';
import { binaryScalar } from './binary.js';

/**
 * The formulas of shaders/common/unary_ops.wgsl, in float64. Where the WGSL works around float32
 * (log1p, tanh) the plain formula is used here: float64 needs no workaround.
 */
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** erf, Abramowitz & Stegun 7.1.26, as in the WGSL (the same approximation on both sides). */
export function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return Math.sign(x) * (1 - poly * Math.exp(-x * x));
}

/** Rounds halves to even (TensorFlow's and WGSL's round). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export const unaryFormulas: { [K in UnaryKernelId]: (x: number, a: number, b: number) => number } = {
  neg: (x) => -x,
  abs: (x) => Math.abs(x),
  sign: (x) => Math.sign(x),
  square: (x) => x * x,
  sqrt: (x) => Math.sqrt(x),
  rsqrt: (x) => 1 / Math.sqrt(x),
  exp: (x) => Math.exp(x),
  expm1: (x) => Math.expm1(x),
  log: (x) => Math.log(x),
  log1p: (x) => Math.log1p(x),
  sin: (x) => Math.sin(x),
  cos: (x) => Math.cos(x),
  tan: (x) => Math.tan(x),
  // The exact functions: the WGSL's polynomials promise 1e-6 absolute of them (NaN outside
  // [-1, 1] for asin and acos, as here; -0 stays -0).
  asin: (x) => Math.asin(x),
  acos: (x) => Math.acos(x),
  atan: (x) => Math.atan(x),
  sinh: (x) => Math.sinh(x),
  cosh: (x) => Math.cosh(x),
  tanh: (x) => Math.tanh(x),
  asinh: (x) => Math.asinh(x),
  acosh: (x) => Math.acosh(x),
  atanh: (x) => Math.atanh(x),
  sigmoid,
  softplus: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
  relu: (x) => Math.max(x, 0),
  relu6: (x) => Math.min(Math.max(x, 0), 6),
  leaky_relu: (x, a) => (x > 0 ? x : a * x),
  elu: (x, a) => (x > 0 ? x : a * Math.expm1(x)),
  selu: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)),
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  gelu_tanh: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
  erf,
  step: (x) => (x > 0 ? 1 : 0),
  floor: (x) => Math.floor(x),
  ceil: (x) => Math.ceil(x),
  round: roundHalfEven,
  trunc: (x) => Math.trunc(x),
  clip: (x, a, b) => Math.min(Math.max(x, a), b),
  reciprocal: (x) => 1 / x,
  logical_not: (x) => (x === 0 ? 1 : 0),
  is_nan: (x) => (Number.isNaN(x) ? 1 : 0),
  is_finite: (x) => (Number.isFinite(x) ? 1 : 0),
  pow_scalar: (x, a) => binaryScalar.pow(x, a),
  copy: (x) => x,
};

/** CPU twins of the unary kernels: y[i] = f(x[i], alpha, beta). */
export const unaryCpuKernels = Object.fromEntries(
  unaryKernelIds.map((id) => {
    const f = unaryFormulas[id];
    return [
      id,
      ([x]: Float32Array[] | Float64Array[], [y]: Float32Array[] | Float64Array[], p: { n: number; alpha: number; beta: number }) => {
        for (let i = 0; i < p.n; i++) y![i] = f(x![i]!, p.alpha, p.beta);
      },
    ];
  }),
) as CpuKernels<UnaryKernels>;
