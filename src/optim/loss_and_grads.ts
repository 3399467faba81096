import type { Engine } from '../engine.js';
import { Tensor, type Variable } from '../tensor.js';
import { fmt } from '../shape.js';

/**
 * The loss and its gradients with respect to `vars`, intermediates disposed (Engine.valueAndGrad,
 * specialised): the backward pass is seeded with a cached constant instead of a new ones-tensor,
 * and with -1 for gradient ascent, so `maximize` costs nothing more than `minimize`.
 */
export function lossAndGrads(e: Engine, op: string, f: () => Tensor, vars: readonly Variable[], sign: 1 | -1): { value: Tensor; grads: Tensor[] } {
  const tape = e.tape();
  try {
    return e.tidy(() => {
      const value = f();
      if (!(value instanceof Tensor)) throw new Error(`${op}: the loss function must return a tensor`);
      if (value.size !== 1) throw new Error(`${op}: the loss must be a scalar, got shape ${fmt(value.shape)}`);
      tape.stop();
      const one = e.constant(sign);
      const seed = value.rank === 0 ? one : one.reshape(value.shape);
      return { value, grads: tape.gradient(value, vars, seed) };
    });
  } finally {
    tape.dispose();
  }
}
