import type { TensorLike } from '../engine.js';
import type { DType, Tensor } from '../tensor.js';
import type { UnaryKernelId } from '../kernel_ids/unary.js';
import { zeroGradient, type GradientTable, type GradRule } from '../autodiff/rules.js';
import { installOps, tensorOf, tensors, type AsMethods } from './define.js';
import { record } from './record.js';
import { checkBoolean, checkNumber, checkOneOf } from './validate.js';
import { dtypes } from '../values.js';
import { elementwiseChunks, needsChunks } from './chunks.js';
import { ParamsByLength } from './shared_params.js';

/** What a unary op's backward rule sees: its input, its output and its two scalars. */
export interface UnaryContext {
  x: Tensor;
  y: Tensor;
  /** The op's scalars (leakyRelu's slope, clip's bounds, pow's exponent); 0 when unused. */
  alpha: number;
  beta: number;
}

/** The unary ops the tape records: every unary kernel id. */
export type UnaryContexts = { [K in UnaryKernelId]: UnaryContext };

/** Output dtype: 'same' keeps the input's (abs of an int32 is int32), else a fixed one. */
type UnaryDtype = 'same' | DType;

/** Runs a unary kernel; `op` (the public name, for errors) defaults to the kernel id. */
function unary(kernel: UnaryKernelId, x: TensorLike, dtype: UnaryDtype = 'float32', alpha = 0, beta = 0, op: string = kernel): Tensor {
  const t = tensorOf(op, x);
  const e = t.engine;
  const outDtype = dtype === 'same' ? t.dtype : dtype;
  const inputs = [t];
  const y = needsChunks(e, t.size)
    ? elementwiseChunks(e, kernel, inputs, t.shape, outDtype, (n) => ({ n, alpha, beta }))
    : e.runKernel(kernel, inputs, t.shape, outDtype, unaryParams(t.size, alpha, beta));
  if (e.isRecording) record(kernel, y, inputs, { x: t, y, alpha, beta });
  return y;
}

/** Params of the unary ops without scalars (square, sqrt, neg...), shared by length. */
const plainParams = new ParamsByLength((n) => ({ n, alpha: 0, beta: 0 }));

/** A unary kernel's params: shared where the op has no scalars (shared_params.ts). */
function unaryParams(n: number, alpha: number, beta: number): { n: number; alpha: number; beta: number } {
  return alpha !== 0 || beta !== 0 || 1 / alpha < 0 || 1 / beta < 0 ? { n, alpha, beta } : plainParams.get(n);
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** A unary rule from dx = f(context, dy). */
const rule = (f: (c: UnaryContext, dy: Tensor) => Tensor | null): GradRule<UnaryContext> => (c, dy) => [f(c, dy)];

/**
 * Backward rules of the unary ops. Ops whose derivative is zero wherever it exists (sign, step,
 * floor, ceil, round, trunc, and the bool-valued ones) are constants to the tape, as in
 * TensorFlow and JAX.
 */
export const unaryGradients: GradientTable<UnaryContexts> = {
  neg: rule((_c, dy) => dy.neg()),
  // sign(x) is 0 at 0: the subgradient TensorFlow takes.
  abs: rule(({ x }, dy) => dy.mul(x.sign())),
  sign: zeroGradient,
  square: rule(({ x }, dy) => dy.mul(x).mul(2)),
  sqrt: rule(({ y }, dy) => dy.div(y.mul(2))),
  rsqrt: rule(({ y }, dy) => dy.mul(y.pow(3)).mul(-0.5)),
  exp: rule(({ y }, dy) => dy.mul(y)),
  expm1: rule(({ y }, dy) => dy.mul(y.add(1))),
  log: rule(({ x }, dy) => dy.div(x)),
  log1p: rule(({ x }, dy) => dy.div(x.add(1))),
  sin: rule(({ x }, dy) => dy.mul(x.cos())),
  cos: rule(({ x }, dy) => dy.mul(x.sin()).neg()),
  tan: rule(({ y }, dy) => dy.mul(y.square().add(1))),
  asin: rule(({ x }, dy) => dy.mul(oneMinusSquare(x).rsqrt())),
  acos: rule(({ x }, dy) => dy.mul(oneMinusSquare(x).rsqrt()).neg()),
  atan: rule(({ x }, dy) => dy.div(x.square().add(1))),
  sinh: rule(({ x }, dy) => dy.mul(x.cosh())),
  cosh: rule(({ x }, dy) => dy.mul(x.sinh())),
  tanh: rule(({ y }, dy) => dy.mul(oneMinusSquare(y))),
  asinh: rule(({ x }, dy) => dy.mul(x.square().add(1).rsqrt())),
  acosh: rule(({ x }, dy) => dy.mul(x.square().sub(1).rsqrt())),
  atanh: rule(({ x }, dy) => dy.div(oneMinusSquare(x))),
  sigmoid: rule(({ y }, dy) => dy.mul(y).mul(y.neg().add(1))),
  softplus: rule(({ x }, dy) => dy.mul(x.sigmoid())),
  // Gradient 0 at 0 (as TensorFlow).
  relu: rule(({ x }, dy) => dy.mul(x.step())),
  relu6: rule(({ x }, dy) => dy.mul(x.step()).mul(x.neg().add(6).step())),
  leaky_relu: rule(({ x, alpha }, dy) => dy.mul(x.step().mul(1 - alpha).add(alpha))),
  elu: rule(({ x, y, alpha }, dy) => {
    const pos = x.step();
    return dy.mul(pos.add(pos.neg().add(1).mul(y.add(alpha))));
  }),
  selu: rule(({ x, y }, dy) => {
    const pos = x.step();
    const neg = pos.neg().add(1).mul(y.add(SELU_SCALE * SELU_ALPHA));
    return dy.mul(pos.mul(SELU_SCALE).add(neg));
  }),
  gelu: rule(({ x }, dy) => {
    const cdf = x.mul(Math.SQRT1_2).erf().add(1).mul(0.5);
    const pdf = x.square().mul(-0.5).exp().mul(1 / Math.sqrt(2 * Math.PI));
    return dy.mul(cdf.add(x.mul(pdf)));
  }),
  gelu_tanh: rule(({ x }, dy) => {
    const c = Math.sqrt(2 / Math.PI);
    const t = x.pow(3).mul(0.044715).add(x).mul(c).tanh();
    const dInner = x.square().mul(3 * 0.044715).add(1).mul(c);
    return dy.mul(t.add(1).mul(0.5).add(x.mul(0.5).mul(oneMinusSquare(t)).mul(dInner)));
  }),
  erf: rule(({ x }, dy) => dy.mul(x.square().neg().exp().mul(2 / Math.sqrt(Math.PI)))),
  step: zeroGradient,
  floor: zeroGradient,
  ceil: zeroGradient,
  round: zeroGradient,
  trunc: zeroGradient,
  // The gradient passes where alpha <= x <= beta (tf.clip_by_value).
  clip: rule(({ x, alpha, beta }, dy) => dy.mul(x.greaterEqual(alpha).mul(x.lessEqual(beta)))),
  reciprocal: rule(({ y }, dy) => dy.mul(y.square()).neg()),
  logical_not: zeroGradient,
  is_nan: zeroGradient,
  is_finite: zeroGradient,
  pow_scalar: rule(({ x, alpha: p }, dy) => (p === 0 ? null : dy.mul(p === 1 ? x.onesLike() : powScalar(x, p - 1).mul(p)))),
  copy: rule((_c, dy) => dy),
};

/** Elementwise unary ops. Each has a WGSL kernel (shaders/common/unary_ops.wgsl) and a CPU twin. */
export const unaryOps = {
  /** -x */
  neg: (x: TensorLike): Tensor => unary('neg', x, 'same'),
  /** |x| (gradient sign(x), 0 at 0). */
  abs: (x: TensorLike): Tensor => unary('abs', x, 'same'),
  /** -1, 0 or 1; NaN stays NaN (zero gradient). */
  sign: (x: TensorLike): Tensor => unary('sign', x, 'same'),
  /** x². */
  square: (x: TensorLike): Tensor => unary('square', x, 'same'),
  /** √x. */
  sqrt: (x: TensorLike): Tensor => unary('sqrt', x),
  /** 1/√x. */
  rsqrt: (x: TensorLike): Tensor => unary('rsqrt', x),
  /** eˣ. */
  exp: (x: TensorLike): Tensor => unary('exp', x),
  /** eˣ - 1, accurate near 0. */
  expm1: (x: TensorLike): Tensor => unary('expm1', x),
  /** Natural logarithm. */
  log: (x: TensorLike): Tensor => unary('log', x),
  /** log(1 + x), accurate near 0. */
  log1p: (x: TensorLike): Tensor => unary('log1p', x),
  sin: (x: TensorLike): Tensor => unary('sin', x),
  cos: (x: TensorLike): Tensor => unary('cos', x),
  tan: (x: TensorLike): Tensor => unary('tan', x),
  /** arcsin (NaN outside [-1, 1]). */
  asin: (x: TensorLike): Tensor => unary('asin', x),
  /** arccos (NaN outside [-1, 1]; infinite gradient at ±1). */
  acos: (x: TensorLike): Tensor => unary('acos', x),
  atan: (x: TensorLike): Tensor => unary('atan', x),
  sinh: (x: TensorLike): Tensor => unary('sinh', x),
  cosh: (x: TensorLike): Tensor => unary('cosh', x),
  tanh: (x: TensorLike): Tensor => unary('tanh', x),
  asinh: (x: TensorLike): Tensor => unary('asinh', x),
  acosh: (x: TensorLike): Tensor => unary('acosh', x),
  atanh: (x: TensorLike): Tensor => unary('atanh', x),
  /** 1 / (1 + e⁻ˣ), stable for large |x|. */
  sigmoid: (x: TensorLike): Tensor => unary('sigmoid', x),
  /** log(1 + eˣ), stable for large |x|. */
  softplus: (x: TensorLike): Tensor => unary('softplus', x),
  /** max(x, 0); gradient 0 at 0 (as TensorFlow); NaN stays NaN. */
  relu: (x: TensorLike): Tensor => unary('relu', x, 'same'),
  /** min(max(x, 0), 6); NaN stays NaN. */
  relu6: (x: TensorLike): Tensor => unary('relu6', x),
  /** x for x > 0, alpha·x otherwise (alpha defaults to 0.2 as in tf.nn.leaky_relu). */
  leakyRelu: (x: TensorLike, alpha = 0.2): Tensor => unary('leaky_relu', x, 'float32', checkNumber('leakyRelu', 'alpha', alpha), 0, 'leakyRelu'),
  /** x for x > 0, alpha·(eˣ - 1) otherwise. */
  elu: (x: TensorLike, alpha = 1): Tensor => unary('elu', x, 'float32', checkNumber('elu', 'alpha', alpha)),
  /** Scaled ELU with the constants of Klambauer et al. */
  selu: (x: TensorLike): Tensor => unary('selu', x),
  /** Gaussian error linear unit; `approximate` uses the tanh form. */
  gelu: (x: TensorLike, approximate = false): Tensor =>
    unary(checkBoolean('gelu', 'approximate', approximate) ? 'gelu_tanh' : 'gelu', x, 'float32', 0, 0, 'gelu'),
  /** The error function. */
  erf: (x: TensorLike): Tensor => unary('erf', x),
  /** 1 for x > 0, else 0 (zero gradient). */
  step: (x: TensorLike): Tensor => unary('step', x),
  floor: (x: TensorLike): Tensor => unary('floor', x, 'same'),
  ceil: (x: TensorLike): Tensor => unary('ceil', x, 'same'),
  /** Rounds halves to even, as TensorFlow. */
  round: (x: TensorLike): Tensor => unary('round', x, 'same'),
  trunc: (x: TensorLike): Tensor => unary('trunc', x, 'same'),
  /** Clips to [min, max]; the gradient passes where min <= x <= max (tf.clip_by_value); NaN stays NaN. */
  clip: (x: TensorLike, min: number, max: number): Tensor => {
    checkNumber('clip', 'min', min, { infinite: true });
    checkNumber('clip', 'max', max, { infinite: true });
    if (!(min <= max)) throw new Error(`clip: min (${min}) must not exceed max (${max})`);
    return unary('clip', x, 'same', min, max);
  },
  /** 1/x. */
  reciprocal: (x: TensorLike): Tensor => unary('reciprocal', x),
  logicalNot: (x: TensorLike): Tensor => unary('logical_not', x, 'bool', 0, 0, 'logicalNot'),
  isNaN: (x: TensorLike): Tensor => unary('is_nan', x, 'bool', 0, 0, 'isNaN'),
  isFinite: (x: TensorLike): Tensor => unary('is_finite', x, 'bool', 0, 0, 'isFinite'),
  /** Converts the dtype: to int32 truncates toward zero, to bool tests != 0 (NaN is true). */
  cast: (x: TensorLike, dtype: DType): Tensor => {
    const [t] = tensors('cast', x);
    const to = checkOneOf('cast', 'dtype', dtype, dtypes);
    if (to === 'int32') return unary('trunc', t!, 'int32', 0, 0, 'cast');
    if (to === 'bool') return t!.notEqual(0);
    return unary('copy', t!, 'float32', 0, 0, 'cast');
  },
  /** An independent copy (identity with gradient). */
  clone: (x: TensorLike): Tensor => unary('copy', x, 'same', 0, 0, 'clone'),
};

function oneMinusSquare(t: Tensor): Tensor {
  return t.square().neg().add(1);
}

/** @internal x^p for a number p (integer p works for negative x). */
export function powScalar(x: Tensor, p: number): Tensor {
  return unary('pow_scalar', x, 'same', p, 0, 'pow');
}

type UnaryOps = typeof unaryOps;

declare module '../tensor.js' {
  interface Tensor extends AsMethods<UnaryOps> {}
}
declare module '../engine.js' {
  interface Engine extends UnaryOps {}
}

installOps(unaryOps);
