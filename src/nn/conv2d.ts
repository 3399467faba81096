import type { Tensor } from '../tensor.js';
import { describeValue } from '../values.js';
import { checkBoolean } from '../ops/validate.js';
import { activationKey, applyActivation, type ActivationName } from './activations.js';
import { getInitializer, type Initializer } from './initializers.js';
import { Layer, type LayerOptions, type LayerSpec, type WeightSpec } from './layer.js';
import { checkImageInput, convActivationFor } from './conv_common.js';
import { pair, windowOutputLength, type SymbolicShape } from './symbolic_shape.js';

/** Options of `Conv2D` (Keras' arguments in camelCase). */
export interface Conv2DOptions extends LayerOptions {
  filters: number;
  kernelSize: number | readonly [number, number];
  strides?: number | readonly [number, number];
  padding?: 'valid' | 'same';
  dilationRate?: number | readonly [number, number];
  activation?: ActivationName | null;
  useBias?: boolean;
  kernelInitializer?: Initializer;
  biasInitializer?: Initializer;
  /** Only 'channelsLast' (NHWC), Keras' default. */
  dataFormat?: 'channelsLast' | 'channels_last';
}

/**
 * 2-D convolution over NHWC images with an HWIO kernel [kH, kW, inC, filters] (Keras' layout),
 * plus bias and activation (fused into the conv kernel when it supports the activation).
 */
export class Conv2D extends Layer {
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';
  readonly dilationRate: [number, number];
  readonly activation: string;
  readonly useBias: boolean;
  private readonly kernelInit: Initializer;
  private readonly biasInit: Initializer;

  constructor(options: Conv2DOptions) {
    super('Conv2D', options, ['filters', 'kernelSize', 'strides', 'padding', 'dilationRate', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'dataFormat']);
    if (!Number.isInteger(options.filters) || options.filters < 1) {
      throw new Error(`${this.name}: filters must be a positive integer, got ${describeValue(options.filters)}`);
    }
    if (options.dataFormat && !/^channels_?last$/i.test(options.dataFormat)) {
      throw new Error(`${this.name}: only dataFormat 'channelsLast' (NHWC) is supported, got '${options.dataFormat}'`);
    }
    this.filters = options.filters;
    this.kernelSize = pair(this.name, 'kernelSize', options.kernelSize);
    this.strides = pair(this.name, 'strides', options.strides ?? 1);
    this.dilationRate = pair(this.name, 'dilationRate', options.dilationRate ?? 1);
    this.padding = checkPaddingOption(this.name, options.padding);
    this.activation = activationKey(this.name, options.activation);
    this.useBias = checkBoolean(this.name, 'useBias', options.useBias, true);
    this.kernelInit = options.kernelInitializer ?? 'glorotUniform';
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
    const weights: WeightSpec[] = [
      { name: 'kernel', shape: [kh, kw, c, this.filters], trainable: true, initializer: getInitializer(this.name, this.kernelInit) },
    ];
    if (this.useBias) weights.push({ name: 'bias', shape: [this.filters], trainable: true, initializer: getInitializer(this.name, this.biasInit) });
    return { weights, outputShape: [inputShape[0]!, outH, outW, this.filters] };
  }

  protected call(x: Tensor, _training: boolean): Tensor {
    const fused = convActivationFor(this.activation);
    const y = x.conv2d(this.weight('kernel'), {
      strides: this.strides,
      padding: this.padding,
      dilations: this.dilationRate,
      ...(this.useBias ? { bias: this.weight('bias') } : {}),
      ...(fused ? { activation: fused } : {}),
    });
    return fused ? y : applyActivation(this.activation, y);
  }
}

/** Checks a padding option ('valid' by default). */
export function checkPaddingOption(owner: string, padding: unknown): 'valid' | 'same' {
  const p = padding ?? 'valid';
  if (p !== 'valid' && p !== 'same') throw new Error(`${owner}: padding must be 'valid' or 'same', got ${describeValue(padding)}`);
  return p;
}
