import type { Tensor } from '../tensor.js';
import type { Pool2dParams } from '../kernel_ids/pool.js';
import { fmt } from '../shape.js';
import type { GradientTable } from '../autodiff/rules.js';
import { installOps, type AsMethods } from './define.js';
import { record } from './record.js';
import { checkBoolean, checkOneOf, checkOptions } from './validate.js';
import { describeValue } from '../values.js';

/** A size per spatial dimension: one number for both, or [height, width]. */
export type PoolSize = number | readonly [number, number];

/** Options of maxPool2d and avgPool2d (Keras MaxPooling2D / AveragePooling2D, channels-last). */
export interface Pool2dOptions {
  /** Window size (default 2). */
  poolSize?: PoolSize;
  /** Step between windows (default: the pool size). */
  strides?: PoolSize;
  /**
   * 'valid' (default): only whole windows. 'same': ceil(in / stride) outputs, the input padded
   * as TensorFlow does (the odd padding row or column at the bottom / right); padding never wins
   * a max and is not counted in a mean.
   */
  padding?: 'valid' | 'same';
}

function pair(op: string, what: string, value: PoolSize): [number, number] {
  const p: readonly number[] = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(p) || p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new Error(`${op}: ${what} must be a positive integer or a pair [h, w] of them, got ${describeValue(value)}`);
  }
  return [p[0]!, p[1]!];
}

/** Output size and leading padding along one dimension (TensorFlow's rules). */
function outputAndPad(inSize: number, k: number, s: number, padding: 'valid' | 'same'): [number, number] {
  if (padding === 'valid') return [Math.floor((inSize - k) / s) + 1, 0];
  const out = Math.ceil(inSize / s);
  const total = Math.max((out - 1) * s + k - inSize, 0);
  return [out, Math.floor(total / 2)];
}

/** @internal Checks a pooling call and computes its kernel parameters. */
export function poolGeometry(op: string, x: Tensor, opts: Pool2dOptions | undefined): Pool2dParams {
  x.engine.checkInputs(op, [x]);
  const options = checkOptions(op, opts, ['poolSize', 'strides', 'padding']);
  if (x.rank !== 4) {
    throw new Error(`${op}: expects a 4-D NHWC input [batch, height, width, channels], got shape ${fmt(x.shape)}`);
  }
  const [poolH, poolW] = pair(op, 'poolSize', options.poolSize ?? 2);
  const [strideH, strideW] = pair(op, 'strides', options.strides ?? [poolH, poolW]);
  const padding = checkOneOf(op, 'padding', options.padding, ['valid', 'same'], 'valid');
  const [batch, inH, inW, channels] = x.shape as [number, number, number, number];
  if (padding === 'valid' && (inH < poolH || inW < poolW)) {
    throw new Error(`${op}: pool size [${poolH},${poolW}] exceeds the input's spatial size [${inH},${inW}] (input ${fmt(x.shape)}, padding 'valid')`);
  }
  const [outH, padTop] = outputAndPad(inH, poolH, strideH, padding);
  const [outW, padLeft] = outputAndPad(inW, poolW, strideW, padding);
  return { batch, inH, inW, channels, outH, outW, poolH, poolW, strideH, strideW, padTop, padLeft };
}

function outShape(p: Pool2dParams): number[] {
  return [p.batch, p.outH, p.outW, p.channels];
}

function inShape(p: Pool2dParams): number[] {
  return [p.batch, p.inH, p.inW, p.channels];
}

/** dx of max pooling: dy routed to each window's first maximum. Linear in dy. */
function maxPoolBackprop(x: Tensor, dy: Tensor, p: Pool2dParams): Tensor {
  const e = x.engine;
  const dx = e.runKernel('max_pool2d_backprop', [x, dy], x.shape, 'float32', p);
  record('max_pool2d_backprop', dx, [x, dy], { x, p });
  return dx;
}

/** v read at the argmax positions of x's windows: the adjoint of maxPoolBackprop in dy. */
function maxPoolSelect(x: Tensor, v: Tensor, p: Pool2dParams): Tensor {
  const e = x.engine;
  const out = e.runKernel('max_pool2d_select', [x, v], outShape(p), 'float32', p);
  record('max_pool2d_select', out, [x, v], { x, p });
  return out;
}

/** Average pooling with given geometry; avgPoolBackprop is its adjoint. */
function avgPool(x: Tensor, p: Pool2dParams): Tensor {
  const e = x.engine;
  const y = e.runKernel('avg_pool2d', [x], outShape(p), 'float32', p);
  record('avg_pool2d', y, [x], { x, p });
  return y;
}

function avgPoolBackprop(dy: Tensor, p: Pool2dParams): Tensor {
  const e = dy.engine;
  const dx = e.runKernel('avg_pool2d_backprop', [dy], inShape(p), 'float32', p);
  record('avg_pool2d_backprop', dx, [dy], { x: dy, p });
  return dx;
}

/** What the pooling rules see: the pooled input (or dy, for the backprops) and the geometry. */
export interface PoolContext {
  x: Tensor;
  p: Pool2dParams;
}

/** The pooling kernels the tape records: every one of them, as each is another's gradient. */
export interface PoolContexts {
  max_pool2d: PoolContext;
  max_pool2d_backprop: PoolContext;
  max_pool2d_select: PoolContext;
  avg_pool2d: PoolContext;
  avg_pool2d_backprop: PoolContext;
}

/**
 * Backward rules of pooling. The argmax positions of max pooling are piecewise constant in x, so
 * the backprop and select kernels pass gradients to their dy / v input only: each is the other's
 * adjoint, and the average pool and its backprop are each other's.
 */
export const poolGradients: GradientTable<PoolContexts> = {
  max_pool2d: ({ x, p }, dy) => [maxPoolBackprop(x, dy, p)],
  max_pool2d_backprop: ({ x, p }, ddx) => [null, maxPoolSelect(x, ddx, p)],
  max_pool2d_select: ({ x, p }, dout) => [null, maxPoolBackprop(x, dout, p)],
  avg_pool2d: ({ p }, dy) => [avgPoolBackprop(dy, p)],
  avg_pool2d_backprop: ({ p }, ddx) => [avgPool(ddx, p)],
};

/** 2-D pooling on NHWC tensors (channels-last, as Keras). */
export const poolOps = {
  /**
   * Max pooling over [batch, height, width, channels]. The gradient goes to the first largest
   * element of each window in row-major order (TensorFlow's rule).
   */
  maxPool2d: (x: Tensor, options?: Pool2dOptions): Tensor => {
    const p = poolGeometry('maxPool2d', x, options);
    const e = x.engine;
    const y = e.runKernel('max_pool2d', [x], outShape(p), x.dtype, p);
    record('max_pool2d', y, [x], { x, p });
    return y;
  },
  /** Average pooling over [batch, height, width, channels]; 'same' averages only the valid elements. */
  avgPool2d: (x: Tensor, options?: Pool2dOptions): Tensor => avgPool(x, poolGeometry('avgPool2d', x, options)),
  /** Mean over height and width of [batch, height, width, channels]: [batch, channels] (or [batch, 1, 1, channels]). */
  globalAvgPool2d: (x: Tensor, keepDims = false): Tensor => {
    x.engine.checkInputs('globalAvgPool2d', [x]);
    if (x.rank !== 4) {
      throw new Error(`globalAvgPool2d: expects a 4-D NHWC input [batch, height, width, channels], got shape ${fmt(x.shape)}`);
    }
    return x.mean([1, 2], checkBoolean('globalAvgPool2d', 'keepDims', keepDims));
  },
};

type PoolOps = typeof poolOps;

declare module '../tensor.js' {
  interface Tensor extends AsMethods<PoolOps> {}
}
declare module '../engine.js' {
  interface Engine extends PoolOps {}
}

installOps(poolOps, 'tensor');
