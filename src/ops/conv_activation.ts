import type { Tensor } from '../tensor.js';
import type { FusedActivation } from '../kernel_ids/conv.js';

/**
 * Activation names accepted by the convolution ops (Keras' strings). The fused ones run in the
 * conv kernel's epilogue; their derivative is a function of the output y alone, so the backward
 * pass needs no pre-activation tensor. The others ('gelu', 'swish'/'silu') are applied after the
 * convolution as ordinary ops.
 */
export type ConvActivation = FusedActivation | 'gelu' | 'swish' | 'silu';

/** Keras' leaky_relu activation slope (keras.activations.leaky_relu's negative_slope). */
const LEAKY_SLOPE = 0.2;
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** act'(x) written with ops on y = act(x) (differentiable in y, so second derivatives work). */
const derivativeFromOutput: { [A in FusedActivation]: (y: Tensor) => Tensor | null } = {
  linear: () => null,
  relu: (y) => y.step(),
  // TensorFlow's relu6 gradient: 1 on 0 < x < 6 (y < 6 exactly there).
  relu6: (y) => y.step().mul(y.neg().add(6).step()),
  sigmoid: (y) => y.mul(y.neg().add(1)),
  tanh: (y) => y.square().neg().add(1),
  elu: (y) => y.greater(0).where(1, y.add(1)),
  selu: (y) => y.greater(0).where(SELU_SCALE, y.add(SELU_SCALE * SELU_ALPHA)),
  // softplus' = sigmoid(x) = 1 - e^-y.
  softplus: (y) => y.neg().expm1().neg(),
  leaky_relu: (y) => y.greater(0).where(1, LEAKY_SLOPE),
};

/** Whether `name` runs inside the kernel. */
export function isFused(name: ConvActivation): name is FusedActivation {
  return name in derivativeFromOutput;
}

/** The activation's scalar parameter for the kernel (op_<name>(x, alpha, 0)). */
export function activationAlpha(name: FusedActivation): number {
  return name === 'leaky_relu' ? LEAKY_SLOPE : name === 'elu' ? 1 : 0;
}

/** dy ⊙ act'(y): the gradient before the activation, from the fused output y. */
export function activationBackward(name: FusedActivation, y: Tensor, dy: Tensor): Tensor {
  const d = derivativeFromOutput[name](y);
  return d ? dy.mul(d) : dy;
}

/** Applies an unfused activation as ops. */
export function applyUnfused(name: Exclude<ConvActivation, FusedActivation>, z: Tensor): Tensor {
  if (name === 'gelu') return z.gelu();
  return z.mul(z.sigmoid());
}

/** Applies any activation as ordinary ops (for the convolutions whose kernels fuse none). */
export function applyActivation(name: ConvActivation, z: Tensor): Tensor {
  switch (name) {
    case 'linear':
      return z;
    case 'relu':
      return z.relu();
    case 'relu6':
      return z.relu6();
    case 'sigmoid':
      return z.sigmoid();
    case 'tanh':
      return z.tanh();
    case 'elu':
      return z.elu(1);
    case 'selu':
      return z.selu();
    case 'softplus':
      return z.softplus();
    case 'leaky_relu':
      return z.leakyRelu(LEAKY_SLOPE);
    default:
      return applyUnfused(name, z);
  }
}

/** Checks an activation name, naming the op. */
export function checkActivation(op: string, name: unknown): ConvActivation {
  const known = [...Object.keys(derivativeFromOutput), 'gelu', 'swish', 'silu'];
  if (typeof name !== 'string' || !known.includes(name)) {
    throw new Error(`${op}: unknown activation ${JSON.stringify(name)} (expected one of ${known.join(', ')})`);
  }
  return name as ConvActivation;
}
