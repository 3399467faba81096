import type { Tensor } from '../tensor.js';

/**
 * Keras' activation names (keras.activations), in snake_case or camelCase. `null`, undefined and
 * 'linear' mean none.
 */
export type ActivationName =
  | 'linear'
  | 'relu'
  | 'relu6'
  | 'sigmoid'
  | 'tanh'
  | 'softmax'
  | 'log_softmax'
  | 'logSoftmax'
  | 'elu'
  | 'selu'
  | 'softplus'
  | 'softsign'
  | 'gelu'
  | 'swish'
  | 'silu'
  | 'mish'
  | 'leaky_relu'
  | 'leakyRelu'
  | 'exponential';

/** Keras 3's default slope of keras.activations.leaky_relu. */
const LEAKY_SLOPE = 0.2;

const table: Record<string, (x: Tensor) => Tensor> = {
  linear: (x) => x,
  relu: (x) => x.relu(),
  relu6: (x) => x.relu6(),
  sigmoid: (x) => x.sigmoid(),
  tanh: (x) => x.tanh(),
  softmax: (x) => x.softmax(-1),
  log_softmax: (x) => x.logSoftmax(-1),
  elu: (x) => x.elu(1),
  selu: (x) => x.selu(),
  softplus: (x) => x.softplus(),
  softsign: (x) => x.div(x.abs().add(1)),
  gelu: (x) => x.gelu(),
  swish: (x) => x.mul(x.sigmoid()),
  silu: (x) => x.mul(x.sigmoid()),
  mish: (x) => x.mul(x.softplus().tanh()),
  leaky_relu: (x) => x.leakyRelu(LEAKY_SLOPE),
  exponential: (x) => x.exp(),
};

/** The snake_case Keras name of an activation option ('linear' for none). */
export function activationKey(owner: string, name: ActivationName | null | undefined): string {
  if (name === null || name === undefined) return 'linear';
  const key = String(name).replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  if (!(key in table)) {
    throw new Error(`${owner}: unknown activation ${JSON.stringify(name)} (expected one of ${Object.keys(table).join(', ')})`);
  }
  return key;
}

/** Applies the activation `key` (from `activationKey`). */
export function applyActivation(key: string, x: Tensor): Tensor {
  return table[key]!(x);
}
