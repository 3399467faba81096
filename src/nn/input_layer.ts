import type { Tensor } from '../tensor.js';
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
    super('InputLayer', { name: options.name ?? undefined, inputShape: options.shape });
    if (!Array.isArray(options.shape) || options.shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new Error(`${this.name}: shape must be an array of sizes, got ${JSON.stringify(options.shape)}`);
    }
    this.batchShape = [options.batchSize ?? null, ...options.shape];
  }

  protected buildSpec(inputShape: SymbolicShape): LayerSpec {
    return { weights: [], outputShape: inputShape };
  }

  protected call(x: Tensor, _training: boolean): Tensor {
    return x;
  }
}
