import type { Tensor } from '../tensor.js';
import { activationKey, applyActivation, type ActivationName } from './activations.js';
import { Layer, type LayerOptions, type LayerSpec } from './layer.js';
import type { SymbolicShape } from './symbolic_shape.js';

/** Options of `Activation`. */
export interface ActivationOptions extends LayerOptions {
  activation: ActivationName;
}

/** Applies a named activation (softmax over the last axis). */
export class Activation extends Layer {
  readonly activation: string;

  constructor(options: ActivationOptions | ActivationName) {
    const o = typeof options === 'string' ? { activation: options } : options;
    super('Activation', o, ['activation']);
    this.activation = activationKey(this.name, o.activation);
  }

  protected buildSpec(inputShape: SymbolicShape): LayerSpec {
    return { weights: [], outputShape: inputShape };
  }

  protected call(x: Tensor, _training: boolean): Tensor {
    return applyActivation(this.activation, x);
  }
}
