import type { Tensor } from '../tensor.js';
import { checkIntegers, checkNumber, checkOptions } from '../ops/validate.js';
import { Layer, type LayerSpec } from './layer.js';
import type { SymbolicShape } from './symbolic_shape.js';

/** Options of `InputLayer`. */
export interface InputLayerOptions {
  /** The input shape without the batch dimension, e.g. [128, 128, 3]. */
  shape: readonly number[];
  /** A fixed batch size (default: any). */
  batchSize?: number;
  name?: string;
}

/**
 * Declares a model's input shape (Keras' `keras.Input(shape)` / InputLayer). A Sequential model
 * takes it as its first element and, like Keras, does not list it among its layers.
 */
export class InputLayer extends Layer {
  readonly batchShape: SymbolicShape;

  constructor(options: InputLayerOptions) {
    const o = checkOptions('InputLayer', options, ['shape', 'batchSize', 'name']);
    checkIntegers('InputLayer', 'shape', o.shape, { min: 0 });
    super('InputLayer', { name: o.name ?? undefined, inputShape: o.shape });
    const batch = o.batchSize === undefined || o.batchSize === null ? null : checkNumber(this.name, 'batchSize', o.batchSize, { integer: true, min: 1 });
    this.batchShape = [batch, ...o.shape];
  }

  protected buildSpec(inputShape: SymbolicShape): LayerSpec {
    return { weights: [], outputShape: inputShape };
  }

  protected call(x: Tensor, _training: boolean): Tensor {
    return x;
  }
}
