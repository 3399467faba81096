import type { Tensor } from '../tensor.js';
import { checkBoolean } from '../ops/validate.js';
import { Layer, type LayerOptions, type LayerSpec } from './layer.js';
import { checkImageInput } from './conv_common.js';
import { checkPaddingOption } from './conv2d.js';
import { pair, windowOutputLength, type SymbolicShape } from './symbolic_shape.js';

/** Options of `MaxPooling2D` and `AveragePooling2D`. */
export interface Pooling2DOptions extends LayerOptions {
  /** Window size (default 2). */
  poolSize?: number | readonly [number, number];
  /** Step between windows (default: the pool size). */
  strides?: number | readonly [number, number] | null;
  padding?: 'valid' | 'same';
}

/** The shared shape logic of the two window poolings. */
abstract class Pooling2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';

  protected constructor(className: string, options: Pooling2DOptions) {
    super(className, options, ['poolSize', 'strides', 'padding']);
    this.poolSize = pair(this.name, 'poolSize', options.poolSize ?? 2);
    this.strides = pair(this.name, 'strides', options.strides ?? this.poolSize);
    this.padding = checkPaddingOption(this.name, options.padding);
  }

  protected buildSpec(inputShape: SymbolicShape): LayerSpec {
    const [h, w, c] = checkImageInput(this.name, inputShape);
    const outH = windowOutputLength(h, this.poolSize[0], this.strides[0], this.padding);
    const outW = windowOutputLength(w, this.poolSize[1], this.strides[1], this.padding);
    if (outH < 1 || outW < 1) {
      throw new Error(`${this.name}: a ${this.poolSize.join('x')} window does not fit inputs of ${h}x${w} with padding '${this.padding}'`);
    }
    return { weights: [], outputShape: [inputShape[0]!, outH, outW, c] };
  }

  protected get windowOptions(): { poolSize: [number, number]; strides: [number, number]; padding: 'valid' | 'same' } {
    return { poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
}

/** Maximum over each window of NHWC images. */
export class MaxPooling2D extends Pooling2D {
  constructor(options: Pooling2DOptions = {}) {
    super('MaxPooling2D', options);
  }

  protected call(x: Tensor, _training: boolean): Tensor {
    return x.maxPool2d(this.windowOptions);
  }
}

/** Mean over each window of NHWC images ('same' windows average only the pixels inside, as Keras). */
export class AveragePooling2D extends Pooling2D {
  constructor(options: Pooling2DOptions = {}) {
    super('AveragePooling2D', options);
  }

  protected call(x: Tensor, _training: boolean): Tensor {
    return x.avgPool2d(this.windowOptions);
  }
}

/** Options of `GlobalAveragePooling2D`. */
export interface GlobalAveragePooling2DOptions extends LayerOptions {
  /** Keep the spatial axes as size 1: [N, 1, 1, C] instead of [N, C] (default false). */
  keepdims?: boolean;
}

/** Mean over height and width of NHWC images: [N, C] (or [N, 1, 1, C] with keepdims). */
export class GlobalAveragePooling2D extends Layer {
  readonly keepdims: boolean;

  constructor(options: GlobalAveragePooling2DOptions = {}) {
    super('GlobalAveragePooling2D', options, ['keepdims']);
    this.keepdims = checkBoolean(this.name, 'keepdims', options.keepdims);
  }

  protected buildSpec(inputShape: SymbolicShape): LayerSpec {
    const [, , c] = checkImageInput(this.name, inputShape);
    return { weights: [], outputShape: this.keepdims ? [inputShape[0]!, 1, 1, c] : [inputShape[0]!, c] };
  }

  protected call(x: Tensor, _training: boolean): Tensor {
    return x.globalAvgPool2d(this.keepdims);
  }
}
