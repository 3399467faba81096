import type { Tensor } from '../tensor.js';
import type { ConvGeometry } from '../kernel_ids/conv.js';
import { inputShapeOf, outputShapeOf, splitReduction } from './conv_geometry.js';
import type { GradientTable } from '../autodiff/rules.js';
import type { ConvPairContext } from './conv_primitives.js';
import { record } from './record.js';

// The three depthwise kernels as differentiable ops, related exactly as the conv2d ones in
// conv_primitives.ts (each is bilinear; each one's gradients are the other two), so derivatives of
// every order are exact. The geometry's outC is inC · multiplier.

/** The depthwise kernels the tape records (contexts as conv2d's backprops: two inputs, the geometry). */
export interface DepthwiseContexts {
  depthwise_conv2d: ConvPairContext;
  depthwise_conv2d_backprop_input: ConvPairContext;
  depthwise_conv2d_backprop_filter: ConvPairContext;
}

/** Each depthwise kernel's gradients are the other two. */
export const depthwiseGradients: GradientTable<DepthwiseContexts> = {
  // a = x, b = w.
  depthwise_conv2d: ({ a: x, b: w, g }, dy, needed) => [
    needed[0] ? depthwiseBackpropInputOp(dy, w, g) : null,
    needed[1] ? depthwiseBackpropFilterOp(x, dy, g) : null,
  ],
  // a = dy, b = w.
  depthwise_conv2d_backprop_input: ({ a: dy, b: w, g }, gx, needed) => [
    needed[0] ? depthwiseConv2dOp(gx, w, g) : null,
    needed[1] ? depthwiseBackpropFilterOp(gx, dy, g) : null,
  ],
  // a = x, b = dy.
  depthwise_conv2d_backprop_filter: ({ a: x, b: dy, g }, gw, needed) => [
    needed[0] ? depthwiseBackpropInputOp(dy, gw, g) : null,
    needed[1] ? depthwiseConv2dOp(x, gw, g) : null,
  ],
};

function multiplierOf(g: ConvGeometry): number {
  return g.outC / g.inC;
}

/** The filter shape [kH, kW, inC, multiplier]. */
export function depthwiseFilterShapeOf(g: ConvGeometry): number[] {
  return [g.kH, g.kW, g.inC, multiplierOf(g)];
}

/** y [batch, outH, outW, inC·multiplier] by the depthwise_conv2d kernel. */
export function depthwiseConv2dOp(x: Tensor, w: Tensor, g: ConvGeometry): Tensor {
  const e = x.engine;
  const y = e.runKernel('depthwise_conv2d', [x, w], outputShapeOf(g), 'float32', { ...g, multiplier: multiplierOf(g) });
  record('depthwise_conv2d', y, [x, w], { a: x, b: w, g });
  return y;
}

/** dx from dy and the filter, by the depthwise_conv2d_backprop_input kernel. */
export function depthwiseBackpropInputOp(dy: Tensor, w: Tensor, g: ConvGeometry): Tensor {
  const e = dy.engine;
  const dx = e.runKernel('depthwise_conv2d_backprop_input', [dy, w], inputShapeOf(g), 'float32', { ...g, multiplier: multiplierOf(g) });
  record('depthwise_conv2d_backprop_input', dx, [dy, w], { a: dy, b: w, g });
  return dx;
}

/** dw [kH, kW, inC, multiplier] from x and dy: partial sums over pixel chunks, then a row sum. */
export function depthwiseBackpropFilterOp(x: Tensor, dy: Tensor, g: ConvGeometry): Tensor {
  const e = x.engine;
  const rows = g.kH * g.kW * g.outC;
  const tiles = g.kH * g.kW * Math.ceil(g.outC / 64);
  const { splits, chunk } = splitReduction(g.batch * g.outH * g.outW, tiles);
  const params = { ...g, multiplier: multiplierOf(g), splits, chunk };
  const shape = depthwiseFilterShapeOf(g);
  let dw: Tensor;
  if (splits === 1) {
    dw = e.runKernel('depthwise_conv2d_backprop_filter', [x, dy], shape, 'float32', params);
  } else {
    const partial = e.runKernel('depthwise_conv2d_backprop_filter', [x, dy], [rows, splits], 'float32', params);
    dw = e.runKernel('reduce_sum', [partial], shape, 'float32', { rows, cols: splits });
    partial.dispose();
  }
  record('depthwise_conv2d_backprop_filter', dw, [x, dy], { a: x, b: dy, g });
  return dw;
}
