import type { Tensor } from '../tensor.js';
import { describeValue } from '../values.js';
import { checkBoolean } from '../ops/validate.js';
import { activationKey, applyActivation, type ActivationName } from './activations.js';
import { getInitializer, type Initializer } from './initializers.js';
import { Layer, type LayerOptions, type LayerSpec, type WeightSpec } from './layer.js';
import { checkImageInput, convActivationFor } from './conv_common.js';
import { checkPaddingOption } from './conv2d.js';
import { pair, windowOutputLength, type SymbolicShape } from './symbolic_shape.js';

/** Options of `DepthwiseConv2D` (Keras' arguments in camelCase). */
export interface DepthwiseConv2DOptions extends LayerOptions {
  kernelSize: number | readonly [number, number];
  strides?: number | readonly [number, number];
  padding?: 'valid' | 'same';
  /** Output channels per input channel (default 1). */
  depthMultiplier?: number;
  dilationRate?: number | readonly [number, number];
  activation?: ActivationName | null;
  useBias?: boolean;
  depthwiseInitializer?: Initializer;
  biasInitializer?: Initializer;
}

/**
 * Depthwise 2-D convolution: each input channel is convolved with its own `depthMultiplier`
 * filters; kernel `depthwise_kernel` [kH, kW, inC, depthMultiplier], output channel
 * c·depthMultiplier + m (Keras' layout).
 */
export class DepthwiseConv2D extends Layer {
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';
  readonly depthMultiplier: number;
  readonly dilationRate: [number, number];
  readonly activation: string;
  readonly useBias: boolean;
  private readonly kernelInit: Initializer;
  private readonly biasInit: Initializer;

  constructor(options: DepthwiseConv2DOptions) {
    super('DepthwiseConv2D', options, ['kernelSize', 'strides', 'padding', 'depthMultiplier', 'dilationRate', 'activation', 'useBias', 'depthwiseInitializer', 'biasInitializer', 'dataFormat']);
    this.kernelSize = pair(this.name, 'kernelSize', options.kernelSize);
    this.strides = pair(this.name, 'strides', options.strides ?? 1);
    this.dilationRate = pair(this.name, 'dilationRate', options.dilationRate ?? 1);
    this.padding = checkPaddingOption(this.name, options.padding);
    this.depthMultiplier = options.depthMultiplier ?? 1;
    if (!Number.isInteger(this.depthMultiplier) || this.depthMultiplier < 1) {
      throw new Error(`${this.name}: depthMultiplier must be a positive integer, got ${describeValue(options.depthMultiplier)}`);
    }
    this.activation = activationKey(this.name, options.activation);
    this.useBias = checkBoolean(this.name, 'useBias', options.useBias, true);
    this.kernelInit = options.depthwiseInitializer ?? 'glorotUniform';
    this.biasInit = options.biasInitializer ?? 'zeros';
  }

  protected buildSpec(inputShape: SymbolicShape): LayerSpec {
    const [h, w, c] = checkImageInput(this.name, inputShape);
    const [kh, kw] = this.kernelSize;
    const outH = windowOutputLength(h, kh, this.strides[0], this.padding, this.dilationRate[0]);
    const outW = windowOutputLength(w, kw, this.strides[1], this.padding, this.dilationRate[1]);
    if (outH < 1 || outW < 1) {
      throw new Error(`${this.name}: a ${kh}x${kw} kernel (dilation ${this.dilationRate.join('x')}) does not fit inputs of ${h}x${w} with padding '${this.padding}'`);
    }
    const outC = c * this.depthMultiplier;
    const weights: WeightSpec[] = [
      {
        name: 'depthwise_kernel',
        shape: [kh, kw, c, this.depthMultiplier],
        trainable: true,
        initializer: getInitializer(this.name, this.kernelInit),
      },
    ];
    if (this.useBias) weights.push({ name: 'bias', shape: [outC], trainable: true, initializer: getInitializer(this.name, this.biasInit) });
    return { weights, outputShape: [inputShape[0]!, outH, outW, outC] };
  }

  protected call(x: Tensor, _training: boolean): Tensor {
    const fused = convActivationFor(this.activation);
    const y = x.depthwiseConv2d(this.weight('depthwise_kernel'), {
      strides: this.strides,
      padding: this.padding,
      dilations: this.dilationRate,
      ...(this.useBias ? { bias: this.weight('bias') } : {}),
      ...(fused ? { activation: fused } : {}),
    });
    return fused ? y : applyActivation(this.activation, y);
  }
}
