import type { Tensor } from '../tensor.js';
import { sizeOf } from '../shape.js';
import { Layer, type LayerOptions, type LayerSpec } from './layer.js';
import { featureDims, type SymbolicShape } from './symbolic_shape.js';

/** Flattens every axis but the batch: [N, H, W, C] -> [N, H·W·C] (a view; no copy). */
export class Flatten extends Layer {
  constructor(options: LayerOptions = {}) {
    super('Flatten', options);
  }

  protected buildSpec(inputShape: SymbolicShape): LayerSpec {
    return { weights: [], outputShape: [inputShape[0] ?? null, sizeOf(featureDims(this.name, inputShape))] };
  }

  protected call(x: Tensor, _training: boolean): Tensor {
    return x.reshape([x.shape[0]!, sizeOf(x.shape.slice(1))]);
  }
}
