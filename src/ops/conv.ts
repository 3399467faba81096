import type { Tensor } from '../tensor.js';
import type { ConvGeometry } from '../kernel_ids/conv.js';
import { fmt, shapesEqual } from '../shape.js';
import { installOps, type AsMethods } from './define.js';
import { checkIntegers, checkOptions, checkTensor } from './validate.js';
import { applyActivation, applyUnfused, checkActivation, isFused, type ConvActivation } from './conv_activation.js';
import { asBatched, convGeometry, dilatedSize, parseSteps, type ConvOptions } from './conv_geometry.js';
import { conv2dBackpropInputOp, conv2dOp } from './conv_primitives.js';
import { depthwiseConv2dOp } from './conv_depthwise_primitives.js';

export type { ConvActivation } from './conv_activation.js';
export type { ConvOptions, Padding, Size2 } from './conv_geometry.js';

/** Options of conv2d, depthwiseConv2d and conv2dTranspose: geometry, bias and activation. */
export interface Conv2dOptions extends ConvOptions {
  /** [out channels], added before the activation. */
  bias?: Tensor;
  /** A Keras activation name (default 'linear'). */
  activation?: ConvActivation;
}

const convOptionKeys = ['strides', 'padding', 'dilations', 'bias', 'activation'] as const;

/** Checks a convolution's filter and options; returns the options. */
function convArguments(op: string, x: Tensor, filter: unknown, options: Conv2dOptions | undefined): Conv2dOptions {
  checkTensor(op, 'filter', filter);
  const o = checkOptions(op, options, convOptionKeys);
  if (o.bias !== undefined) checkTensor(op, 'bias', o.bias);
  x.engine.checkInputs(op, o.bias ? [x, filter as Tensor, o.bias] : [x, filter as Tensor]);
  return o;
}

function checkBias(op: string, bias: Tensor | undefined, channels: number, x: Tensor, filter: Tensor): Tensor | null {
  if (bias === undefined) return null;
  if (bias.rank !== 1 || bias.shape[0] !== channels) {
    throw new Error(`${op}: bias must have shape [${channels}], got ${fmt(bias.shape)} (x ${fmt(x.shape)}, filter ${fmt(filter.shape)})`);
  }
  return bias;
}

function checkChannels(op: string, x4: Tensor, x: Tensor, filter: Tensor, filterAxis: number, note = ''): void {
  if (x4.shape[3] !== filter.shape[filterAxis]) {
    throw new Error(`${op}: input channels differ (x ${fmt(x.shape)}, filter ${fmt(filter.shape)}${note})`);
  }
}

/** Adds the bias and applies the activation with ordinary ops, then restores rank 3 if needed. */
function finish(y: Tensor, bias: Tensor | null, activation: ConvActivation, squeeze: boolean): Tensor {
  const biased = bias ? y.add(bias) : y;
  const out = applyActivation(activation, biased);
  return squeeze ? out.reshape(out.shape.slice(1)) : out;
}

/** Convolution ops. NHWC tensors; rank-3 inputs are a batch of one. */
export const convOps = {
  /**
   * 2-D convolution (tf.nn.conv2d / Keras Conv2D): x [batch, h, w, in] (or [h, w, in]), filter
   * [kH, kW, in, out] (HWIO). `bias` [out] and the activation are fused into the kernel where the
   * activation's derivative follows from its output (relu, relu6, sigmoid, tanh, elu, selu,
   * softplus, leaky_relu); 'gelu' and 'swish' run as separate ops.
   */
  conv2d: (x: Tensor, filter: Tensor, opts?: Conv2dOptions): Tensor => {
    const op = 'conv2d';
    const options = convArguments(op, x, filter, opts);
    const { x4, squeeze } = asBatched(op, x, filter);
    checkChannels(op, x4, x, filter, 2);
    const bias = checkBias(op, options.bias, filter.shape[3]!, x, filter);
    const activation = checkActivation(op, options.activation ?? 'linear');
    const g = convGeometry(op, x4.shape, filter.shape, filter.shape[3]!, parseSteps(op, options), options.padding ?? 'valid');
    const y = isFused(activation) ? conv2dOp(x4, filter, bias, g, activation) : applyUnfused(activation, conv2dOp(x4, filter, bias, g, 'linear'));
    return squeeze ? y.reshape(y.shape.slice(1)) : y;
  },

  /**
   * Depthwise 2-D convolution (tf.nn.depthwise_conv2d / Keras DepthwiseConv2D): each input
   * channel c is convolved with its own filters [kH, kW, c, 0..multiplier), giving in·multiplier
   * output channels ordered c·multiplier + q. Bias and activation run as separate ops.
   */
  depthwiseConv2d: (x: Tensor, filter: Tensor, opts?: Conv2dOptions): Tensor => {
    const op = 'depthwiseConv2d';
    const options = convArguments(op, x, filter, opts);
    const { x4, squeeze } = asBatched(op, x, filter);
    checkChannels(op, x4, x, filter, 2, ': the filter is [kH, kW, in, multiplier]');
    const outC = filter.shape[2]! * filter.shape[3]!;
    const bias = checkBias(op, options.bias, outC, x, filter);
    const activation = checkActivation(op, options.activation ?? 'linear');
    const g = convGeometry(op, x4.shape, filter.shape, outC, parseSteps(op, options), options.padding ?? 'valid');
    return finish(depthwiseConv2dOp(x4, filter, g), bias, activation, squeeze);
  },

  /**
   * Transposed 2-D convolution (Keras Conv2DTranspose, tf.nn.conv2d_transpose): the gradient of
   * conv2d with respect to its input. filter [kH, kW, out, in] (Keras' kernel layout). Without
   * `outputShape` the output has in·stride + max(kH_dilated - stride, 0) rows for 'valid' and
   * in·stride for 'same' (Keras' rule); `outputShape` ([batch, h, w, out], or [h, w, out] for a
   * rank-3 x) picks among the sizes a conv2d maps back to x. Bias and activation run as ops.
   */
  conv2dTranspose: (x: Tensor, filter: Tensor, outputShape?: readonly number[], opts?: Conv2dOptions): Tensor => {
    const op = 'conv2dTranspose';
    const options = convArguments(op, x, filter, opts);
    if (outputShape !== undefined) checkIntegers(op, 'outputShape', outputShape, { min: 1 });
    const { x4, squeeze } = asBatched(op, x, filter);
    checkChannels(op, x4, x, filter, 3, ': the filter is [kH, kW, out, in]');
    const outC = filter.shape[2]!;
    const bias = checkBias(op, options.bias, outC, x, filter);
    const activation = checkActivation(op, options.activation ?? 'linear');
    const steps = parseSteps(op, options);
    const padding = options.padding ?? 'valid';
    const [batch, h, w] = x4.shape as [number, number, number, number];
    let out4: number[];
    if (outputShape) {
      out4 = squeeze ? [1, ...outputShape] : [...outputShape];
      if (out4.length !== 4 || out4[0] !== batch || out4[3] !== outC || out4.some((d) => !Number.isInteger(d) || d < 1)) {
        throw new Error(
          `${op}: outputShape ${fmt(outputShape)} must be [${squeeze ? '' : `${batch}, `}h, w, ${outC}] (x ${fmt(x.shape)}, filter ${fmt(filter.shape)})`,
        );
      }
    } else {
      if (typeof padding !== 'string') {
        throw new Error(`${op}: explicit padding needs an outputShape (x ${fmt(x.shape)}, filter ${fmt(filter.shape)})`);
      }
      const size = (n: number, k: number, s: number, d: number): number =>
        padding === 'same' ? n * s : n * s + Math.max(dilatedSize(k, d) - s, 0);
      out4 = [batch, size(h, filter.shape[0]!, steps.strides[0], steps.dilations[0]), size(w, filter.shape[1]!, steps.strides[1], steps.dilations[1]), outC];
    }
    // The geometry of the conv2d whose input gradient this is: its input is our output.
    const filterHWIO = [filter.shape[0]!, filter.shape[1]!, outC, filter.shape[3]!];
    const g: ConvGeometry = convGeometry(op, out4, filterHWIO, filter.shape[3]!, steps, padding);
    if (!shapesEqual([g.outH, g.outW], [h, w])) {
      throw new Error(
        `${op}: outputShape ${fmt(outputShape ?? out4)} does not map back to x ${fmt(x.shape)}: a conv2d of it with strides ` +
          `${steps.strides.join(',')} and this padding has ${g.outH}x${g.outW} pixels, not ${h}x${w}`,
      );
    }
    return finish(conv2dBackpropInputOp(x4, filter, g), bias, activation, squeeze);
  },
};

type ConvOps = typeof convOps;

declare module '../tensor.js' {
  interface Tensor extends AsMethods<ConvOps> {}
}
declare module '../engine.js' {
  interface Engine extends ConvOps {}
}

installOps(convOps, 'tensor');
