import type { Tensor } from '../tensor.js';
import type { ConvGeometry, FusedActivation } from '../kernel_ids/conv.js';
import { activationAlpha, activationBackward } from './conv_activation.js';
import { inputShapeOf, outputShapeOf, splitReduction } from './conv_geometry.js';
import { copyStrided } from './strided.js';
import { inputGradientByWinograd, usesWinogradForInputGradient } from './conv_winograd.js';
import type { GradientTable } from '../autodiff/rules.js';
import { record } from './record.js';

// The three conv2d kernels as differentiable ops on a resolved geometry. All three are bilinear
// in their two tensor inputs, and each one's gradients are the other two:
//   y  = conv(x, w):           dx = backpropInput(dy, w),   dw = backpropFilter(x, dy)
//   dx = backpropInput(dy, w): d(dy) = conv(g, w),           dw = backpropFilter(g, dy)
//   dw = backpropFilter(x, dy): dx = backpropInput(dy, g),   d(dy) = conv(x, g)
// so derivatives of every order, with respect to x, the filter, the bias and dy, are exact (for
// conv2d, conv2dTranspose and, in conv_depthwise_primitives.ts, depthwiseConv2d; grad-of-grad is
// tested). The fused activation's backward pass is written with ops on the output
// (conv_activation.ts), which are differentiable too: relu, relu6 and leaky_relu have piecewise
// constant derivatives, whose own derivative (0) is exact away from the kinks. The bias gradient
// is a sum.

/** What conv2d's backward rule sees. */
export interface Conv2dContext {
  x: Tensor;
  w: Tensor;
  hasBias: boolean;
  g: ConvGeometry;
  activation: FusedActivation;
  /** The output, from which the fused activation's derivative follows. */
  y: Tensor;
}

/** What the two backprop kernels' rules see: their two inputs and the geometry. */
export interface ConvPairContext {
  a: Tensor;
  b: Tensor;
  g: ConvGeometry;
}

/** The convolution kernels the tape records. */
export interface ConvContexts {
  conv2d: Conv2dContext;
  conv2d_backprop_input: ConvPairContext;
  conv2d_backprop_filter: ConvPairContext;
}

/** Each of the three kernels' gradients are the other two (see above). */
export const convGradients: GradientTable<ConvContexts> = {
  conv2d: ({ x, w, hasBias, g, activation, y }, dy, needed) => {
    const dz = activationBackward(activation, y, dy);
    // Only what the tape needs: an attack wants dx alone, training never needs the images' dx.
    const grads = [needed[0] ? conv2dBackpropInputOp(dz, w, g) : null, needed[1] ? conv2dBackpropFilterOp(x, dz, g) : null];
    if (hasBias) grads.push(needed[2] ? dz.sum([0, 1, 2]) : null);
    return grads;
  },
  // a = dy, b = w.
  conv2d_backprop_input: ({ a: dy, b: w, g }, gx, needed) => [
    needed[0] ? conv2dOp(gx, w, null, g, 'linear') : null,
    needed[1] ? conv2dBackpropFilterOp(gx, dy, g) : null,
  ],
  // a = x, b = dy.
  conv2d_backprop_filter: ({ a: x, b: dy, g }, gw, needed) => [
    needed[0] ? conv2dBackpropInputOp(dy, gw, g) : null,
    needed[1] ? conv2dOp(x, gw, null, g, 'linear') : null,
  ],
};

/** The filter shape [kH, kW, inC, outC] of a geometry. */
export function filterShapeOf(g: ConvGeometry): number[] {
  return [g.kH, g.kW, g.inC, g.outC];
}

/**
 * y = act(conv(x, w) + bias) by the conv2d kernel. `x` is NHWC of the geometry's input shape,
 * `w` HWIO; `bias` is [outC] or null.
 */
export function conv2dOp(x: Tensor, w: Tensor, bias: Tensor | null, g: ConvGeometry, activation: FusedActivation): Tensor {
  const e = x.engine;
  const inputs = bias ? [x, w, bias] : [x, w];
  // Without a bias the shader's bias binding still needs a buffer: the filter is bound and never read.
  const y = e.runKernel('conv2d', bias ? inputs : [x, w, w], outputShapeOf(g), 'float32', {
    ...g,
    hasBias: bias !== null,
    activation,
    alpha: activationAlpha(activation),
  });
  record('conv2d', y, inputs, { x, w, hasBias: bias !== null, g, activation, y });
  return y;
}

/** Input channels up to which the input gradient uses the direct kernel. */
const directInputChannels = 8;

/**
 * Most elements of the product path's cols matrix (pixels of dy by taps and input channels):
 * 64 MB of float32, under WebGPU's default limit on one storage binding (128 MB). Larger input
 * gradients run without it.
 */
const maxColsElements = 1 << 24;

/**
 * Whether dx runs as one matrix product and a fold (inputGradientByProduct): input channels in
 * whole vec4s, at least 8 (with 1-4 the direct vec4 kernels are faster), and a cols matrix within
 * maxColsElements. On lavapipe it was faster than the forward convolution of dy with the flipped
 * filter on the article's and MNIST's 32-64 channel layers, and than the tiled kernel (16
 * channels, stride 2) and the scalar direct kernel (8 channels) it replaces (docs/lavapipe.md).
 * Those 3x3 stride-1 layers now take Winograd (conv_winograd.ts), which comes first.
 */
function usesProductForInputGradient(g: ConvGeometry): boolean {
  const cols = g.batch * g.outH * g.outW * g.kH * g.kW * g.inC;
  return g.inC % 4 === 0 && g.inC >= 8 && cols <= maxColsElements;
}

/**
 * The geometry of dx = conv(dy, w') for a stride-1 convolution, where w'[kh, kw, o, c] =
 * w[kH-1-kh, kW-1-kw, c, o] (the filter flipped and its channels swapped): dy padded by
 * dilation·(k-1) - pad before, the input's own size out. Null when the stride is not 1 or the
 * padding exceeds the filter's reach (a negative pad).
 */
export function inputGradientAsConv(g: ConvGeometry): ConvGeometry | null {
  if (g.strideH !== 1 || g.strideW !== 1) return null;
  const padTop = g.dilationH * (g.kH - 1) - g.padTop;
  const padLeft = g.dilationW * (g.kW - 1) - g.padLeft;
  if (padTop < 0 || padLeft < 0) return null;
  return { ...g, inH: g.outH, inW: g.outW, inC: g.outC, outH: g.inH, outW: g.inW, outC: g.inC, padTop, padLeft };
}

/**
 * Input channels from which a stride-1 input gradient too large for the product path runs as a
 * forward convolution of dy with the flipped filter: whole vec4s of at least 32 channels, the
 * shape the forward kernels serve best (src/backend/webgpu/dispatch/conv.ts).
 */
function usesForwardForInputGradient(g: ConvGeometry): boolean {
  return g.inC % 4 === 0 && g.inC >= 32;
}

/**
 * @internal dx as the forward convolution `asConv` (inputGradientAsConv) of dy with the flipped
 * filter; the flip is one small copy. Each op records its own gradient, so the composition is
 * differentiable as it stands.
 */
export function inputGradientByFlippedConv(dy: Tensor, w: Tensor, asConv: ConvGeometry): Tensor {
  const reversed = w.reverse([0, 1]);
  const flipped = reversed.transpose([0, 1, 3, 2]);
  const dx = conv2dOp(dy, flipped, null, asConv, 'linear');
  if (!dy.engine.isRecording) {
    reversed.dispose();
    flipped.dispose();
  }
  return dx;
}

/**
 * dx as one matrix product and a fold: cols = dy·wᵀ (dy as [pixels, outC], the filter
 * as a [kH·kW·inC, outC] matrix) holds each output pixel's contribution to every tap, and
 * conv2d_fold sums them per input pixel (col2im). No waste on the zero padding a full
 * convolution of dy would multiply, and the product runs on the vec4 matmul kernel (whenever
 * kH·kW·inC >= 32), lavapipe's fastest. Runs kernels only: the caller records the gradient of
 * the whole.
 */
function inputGradientByProduct(dy: Tensor, w: Tensor, g: ConvGeometry): Tensor {
  const e = dy.engine;
  const taps = g.kH * g.kW * g.inC;
  const pixels = g.batch * g.outH * g.outW;
  // w is [taps, outC] row-major: its transpose is one small copy, and the product's B then has
  // whole vec4 rows (the vec4 matmul kernel reads no transposed B).
  const wT = copyStrided(w, [g.outC, taps], [1, g.outC], 0);
  const product = { batch: 1, m: pixels, n: taps, k: g.outC, transA: false, transB: false, aBatchStride: 0, bBatchStride: 0 };
  const cols = e.runKernel('matmul', [dy, wT], [pixels, taps], 'float32', product);
  wT.dispose();
  const dx = e.runKernel('conv2d_fold', [cols], inputShapeOf(g), 'float32', { ...g });
  cols.dispose();
  return dx;
}

/**
 * dx (the geometry's input shape) from dy and the filter: Winograd F(4x4, 3x3) (3x3, stride 1,
 * 32 or more channels in vec4s), a product and a fold (input channels in vec4s), the flipped
 * filter's forward convolution (too large for that), or the conv2d_backprop_input kernels
 * (direct for few input channels, tiled otherwise).
 */
export function conv2dBackpropInputOp(dy: Tensor, w: Tensor, g: ConvGeometry): Tensor {
  const e = dy.engine;
  let dx: Tensor;
  if (usesWinogradForInputGradient(g)) {
    dx = inputGradientByWinograd(dy, w, g);
  } else if (usesProductForInputGradient(g)) {
    dx = inputGradientByProduct(dy, w, g);
  } else {
    const asConv = usesForwardForInputGradient(g) ? inputGradientAsConv(g) : null;
    if (asConv) return inputGradientByFlippedConv(dy, w, asConv);
    // Few input channels (an image's 1 or 3) would leave most of a 64-column tile idle: go direct.
    const kernel = g.inC <= directInputChannels ? 'conv2d_backprop_input_direct' : 'conv2d_backprop_input';
    dx = e.runKernel(kernel, [dy, w], inputShapeOf(g), 'float32', { ...g });
  }
  record('conv2d_backprop_input', dx, [dy, w], { a: dy, b: w, g });
  return dx;
}

/**
 * dw [kH, kW, inC, outC] from x and dy, by the conv2d_backprop_filter kernel: partial sums over
 * chunks of output pixels, then one row reduction when there is more than one chunk.
 */
export function conv2dBackpropFilterOp(x: Tensor, dy: Tensor, g: ConvGeometry): Tensor {
  const e = x.engine;
  const rows = g.kH * g.kW * g.inC * g.outC;
  const tiles = Math.ceil((g.kH * g.kW * g.inC) / 64) * Math.ceil(g.outC / 64);
  const { splits, chunk } = splitReduction(g.batch * g.outH * g.outW, tiles);
  const params = { ...g, splits, chunk };
  let dw: Tensor;
  if (splits === 1) {
    dw = e.runKernel('conv2d_backprop_filter', [x, dy], filterShapeOf(g), 'float32', params);
  } else {
    const partial = e.runKernel('conv2d_backprop_filter', [x, dy], [rows, splits], 'float32', params);
    dw = e.runKernel('reduce_sum', [partial], filterShapeOf(g), 'float32', { rows, cols: splits });
    partial.dispose();
  }
  record('conv2d_backprop_filter', dw, [x, dy], { a: x, b: dy, g });
  return dw;
}
