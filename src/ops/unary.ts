import type { TensorLike } from '../engine.js';
import type { DType, Tensor } from '../tensor.js';
import type { UnaryKernelId } from '../kernel_ids/unary.js';
import { installOps, tensors, type AsMethods } from './define.js';

/** dx from (x, y, dy); null where the gradient is zero everywhere (floor, sign, ...). */
type UnaryGrad = ((x: Tensor, y: Tensor, dy: Tensor) => Tensor) | null;

/** Output dtype: 'same' keeps the input's (abs of an int32 is int32), else a fixed one. */
type UnaryDtype = 'same' | DType;

function unary(kernel: UnaryKernelId, x: TensorLike, grad: UnaryGrad, dtype: UnaryDtype = 'float32', alpha = 0, beta = 0): Tensor {
  const [t] = tensors(kernel, x);
  const e = t!.engine;
  const y = e.runKernel(kernel, [t!], t!.shape, dtype === 'same' ? t!.dtype : dtype, { n: t!.size, alpha, beta });
  if (e.isRecording) e.record(kernel, y, [t!], grad ? (dy) => [grad(t!, y, dy)] : () => [null]);
  return y;
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** Elementwise unary ops. Each has a WGSL kernel (shaders/common/unary_ops.wgsl) and a CPU twin. */
export const unaryOps = {
  /** -x */
  neg: (x: TensorLike): Tensor => unary('neg', x, (_x, _y, dy) => dy.neg(), 'same'),
  /** |x| (gradient sign(x), 0 at 0). */
  abs: (x: TensorLike): Tensor => unary('abs', x, (x, _y, dy) => dy.mul(x.sign()), 'same'),
  /** -1, 0 or 1 (zero gradient). */
  sign: (x: TensorLike): Tensor => unary('sign', x, null, 'same'),
  /** x². */
  square: (x: TensorLike): Tensor => unary('square', x, (x, _y, dy) => dy.mul(x).mul(2), 'same'),
  /** √x. */
  sqrt: (x: TensorLike): Tensor => unary('sqrt', x, (_x, y, dy) => dy.div(y.mul(2))),
  /** 1/√x. */
  rsqrt: (x: TensorLike): Tensor => unary('rsqrt', x, (_x, y, dy) => dy.mul(y.pow(3)).mul(-0.5)),
  /** eˣ. */
  exp: (x: TensorLike): Tensor => unary('exp', x, (_x, y, dy) => dy.mul(y)),
  /** eˣ - 1, accurate near 0. */
  expm1: (x: TensorLike): Tensor => unary('expm1', x, (_x, y, dy) => dy.mul(y.add(1))),
  /** Natural logarithm. */
  log: (x: TensorLike): Tensor => unary('log', x, (x, _y, dy) => dy.div(x)),
  /** log(1 + x), accurate near 0. */
  log1p: (x: TensorLike): Tensor => unary('log1p', x, (x, _y, dy) => dy.div(x.add(1))),
  sin: (x: TensorLike): Tensor => unary('sin', x, (x, _y, dy) => dy.mul(x.cos())),
  cos: (x: TensorLike): Tensor => unary('cos', x, (x, _y, dy) => dy.mul(x.sin()).neg()),
  tan: (x: TensorLike): Tensor => unary('tan', x, (_x, y, dy) => dy.mul(y.square().add(1))),
  /** arcsin (NaN outside [-1, 1]). */
  asin: (x: TensorLike): Tensor => unary('asin', x, (x, _y, dy) => dy.mul(oneMinusSquare(x).rsqrt())),
  /** arccos (NaN outside [-1, 1]; infinite gradient at ±1). */
  acos: (x: TensorLike): Tensor => unary('acos', x, (x, _y, dy) => dy.mul(oneMinusSquare(x).rsqrt()).neg()),
  atan: (x: TensorLike): Tensor => unary('atan', x, (x, _y, dy) => dy.div(x.square().add(1))),
  sinh: (x: TensorLike): Tensor => unary('sinh', x, (x, _y, dy) => dy.mul(x.cosh())),
  cosh: (x: TensorLike): Tensor => unary('cosh', x, (x, _y, dy) => dy.mul(x.sinh())),
  tanh: (x: TensorLike): Tensor => unary('tanh', x, (_x, y, dy) => dy.mul(oneMinusSquare(y))),
  asinh: (x: TensorLike): Tensor => unary('asinh', x, (x, _y, dy) => dy.mul(x.square().add(1).rsqrt())),
  acosh: (x: TensorLike): Tensor => unary('acosh', x, (x, _y, dy) => dy.mul(x.square().sub(1).rsqrt())),
  atanh: (x: TensorLike): Tensor => unary('atanh', x, (x, _y, dy) => dy.div(oneMinusSquare(x))),
  /** 1 / (1 + e⁻ˣ), stable for large |x|. */
  sigmoid: (x: TensorLike): Tensor => unary('sigmoid', x, (_x, y, dy) => dy.mul(y).mul(y.neg().add(1))),
  /** log(1 + eˣ), stable for large |x|. */
  softplus: (x: TensorLike): Tensor => unary('softplus', x, (x, _y, dy) => dy.mul(x.sigmoid())),
  /** max(x, 0); gradient 0 at 0 (as TensorFlow). */
  relu: (x: TensorLike): Tensor => unary('relu', x, (x, _y, dy) => dy.mul(x.step()), 'same'),
  /** min(max(x, 0), 6). */
  relu6: (x: TensorLike): Tensor =>
    unary('relu6', x, (x, _y, dy) => dy.mul(x.step()).mul(x.neg().add(6).step())),
  /** x for x > 0, alpha·x otherwise (alpha defaults to 0.2 as in tf.nn.leaky_relu). */
  leakyRelu: (x: TensorLike, alpha = 0.2): Tensor =>
    unary('leaky_relu', x, (x, _y, dy) => dy.mul(x.step().mul(1 - alpha).add(alpha)), 'float32', alpha),
  /** x for x > 0, alpha·(eˣ - 1) otherwise. */
  elu: (x: TensorLike, alpha = 1): Tensor =>
    unary('elu', x, (x, y, dy) => {
      const pos = x.step();
      return dy.mul(pos.add(pos.neg().add(1).mul(y.add(alpha))));
    }, 'float32', alpha),
  /** Scaled ELU with the constants of Klambauer et al. */
  selu: (x: TensorLike): Tensor =>
    unary('selu', x, (x, y, dy) => {
      const pos = x.step();
      const neg = pos.neg().add(1).mul(y.add(SELU_SCALE * SELU_ALPHA));
      return dy.mul(pos.mul(SELU_SCALE).add(neg));
    }),
  /** Gaussian error linear unit; `approximate` uses the tanh form. */
  gelu: (x: TensorLike, approximate = false): Tensor =>
    approximate
      ? unary('gelu_tanh', x, (x, _y, dy) => {
          const c = Math.sqrt(2 / Math.PI);
          const t = x.pow(3).mul(0.044715).add(x).mul(c).tanh();
          const dInner = x.square().mul(3 * 0.044715).add(1).mul(c);
          return dy.mul(t.add(1).mul(0.5).add(x.mul(0.5).mul(oneMinusSquare(t)).mul(dInner)));
        })
      : unary('gelu', x, (x, _y, dy) => {
          const cdf = x.mul(Math.SQRT1_2).erf().add(1).mul(0.5);
          const pdf = x.square().mul(-0.5).exp().mul(1 / Math.sqrt(2 * Math.PI));
          return dy.mul(cdf.add(x.mul(pdf)));
        }),
  /** The error function. */
  erf: (x: TensorLike): Tensor =>
    unary('erf', x, (x, _y, dy) => dy.mul(x.square().neg().exp().mul(2 / Math.sqrt(Math.PI)))),
  /** 1 for x > 0, else 0 (zero gradient). */
  step: (x: TensorLike): Tensor => unary('step', x, null),
  floor: (x: TensorLike): Tensor => unary('floor', x, null, 'same'),
  ceil: (x: TensorLike): Tensor => unary('ceil', x, null, 'same'),
  /** Rounds halves to even, as TensorFlow. */
  round: (x: TensorLike): Tensor => unary('round', x, null, 'same'),
  trunc: (x: TensorLike): Tensor => unary('trunc', x, null, 'same'),
  /** Clips to [min, max]; the gradient passes where min <= x <= max (tf.clip_by_value). */
  clip: (x: TensorLike, min: number, max: number): Tensor => {
    if (!(min <= max)) throw new Error(`clip: min (${min}) must not exceed max (${max})`);
    return unary('clip', x, (x, _y, dy) => dy.mul(x.greaterEqual(min).mul(x.lessEqual(max))), 'same', min, max);
  },
  /** 1/x. */
  reciprocal: (x: TensorLike): Tensor => unary('reciprocal', x, (_x, y, dy) => dy.mul(y.square()).neg()),
  logicalNot: (x: TensorLike): Tensor => unary('logical_not', x, null, 'bool'),
  isNaN: (x: TensorLike): Tensor => unary('is_nan', x, null, 'bool'),
  isFinite: (x: TensorLike): Tensor => unary('is_finite', x, null, 'bool'),
  /** Converts the dtype: to int32 truncates toward zero, to bool tests != 0. */
  cast: (x: TensorLike, dtype: DType): Tensor => {
    const [t] = tensors('cast', x);
    if (dtype === 'int32') return unary('trunc', t!, null, 'int32');
    if (dtype === 'bool') return t!.notEqual(0);
    return unary('copy', t!, (_x, _y, dy) => dy, 'float32');
  },
  /** An independent copy (identity with gradient). */
  clone: (x: TensorLike): Tensor => unary('copy', x, (_x, _y, dy) => dy, 'same'),
};

function oneMinusSquare(t: Tensor): Tensor {
  return t.square().neg().add(1);
}

/** @internal x^p for a number p (integer p works for negative x). */
export function powScalar(x: Tensor, p: number): Tensor {
  const grad: UnaryGrad = p === 0 ? null : (x, _y, dy) => dy.mul(p === 1 ? x.onesLike() : powScalar(x, p - 1).mul(p));
  return unary('pow_scalar', x, grad, 'same', p);
}

type UnaryOps = typeof unaryOps;

declare module '../tensor.js' {
  interface Tensor extends AsMethods<UnaryOps> {}
}
declare module '../engine.js' {
  interface Engine extends UnaryOps {}
}

installOps(unaryOps);
