import type { Tensor } from '../tensor.js';
import type { DropoutParams } from '../kernel_ids/dropout.js';
import { broadcastStrides, fmt } from '../shape.js';
import { dynamicParams } from '../compile/dynamic_params.js';
import { drawSeed } from './seeds.js';
import { collapseDims } from './binary.js';
import type { GradientTable } from '../autodiff/rules.js';
import { installOps, type AsMethods } from './define.js';
import { record } from './record.js';
import { checkBoolean, checkOptions } from './validate.js';
import { describeValue } from '../values.js';

/** Options of dropout (keras.layers.Dropout / tf.nn.dropout). */
export interface DropoutOptions {
  /**
   * An unsigned 32-bit seed: the same seed, shape and noise shape give the same mask on every
   * backend. Without one, each call takes the engine's next seed. A function is called for each
   * mask: in a captured step (e.compile) on every replay too, as are the engine's seeds, where a
   * number would give every replay the traced mask.
   */
  seed?: number | (() => number);
  /** false: the identity (inference), as Keras layers with training=false. Default true. */
  training?: boolean;
  /**
   * The shape of the random mask, broadcast against x (same rank; each size x's or 1; null or
   * -1 takes x's): [batch, 1, 1, channels] drops whole feature maps.
   */
  noiseShape?: readonly (number | null)[];
}

function noiseShapeOf(x: Tensor, noiseShape: readonly (number | null)[] | undefined): number[] {
  if (!noiseShape) return [...x.shape];
  if (!Array.isArray(noiseShape)) throw new Error(`dropout: noiseShape must be an array, got ${describeValue(noiseShape)}`);
  const resolved = noiseShape.map((d, i) => (d === null || d === -1 ? x.shape[i]! : d));
  const ok = resolved.length === x.rank && resolved.every((d, i) => Number.isInteger(d) && (d === x.shape[i] || d === 1));
  if (!ok) {
    throw new Error(`dropout: noiseShape ${describeValue(noiseShape)} does not broadcast to x of shape ${fmt(x.shape)} (same rank, each size x's or 1)`);
  }
  return resolved;
}

function checkSeed(seed: unknown): number {
  if (!(typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
    throw new Error(`dropout: seed must be an unsigned 32-bit integer, got ${describeValue(seed)}`);
  }
  return seed;
}

/** What dropout's rule sees: how to draw the same mask again. */
export interface DropoutContext {
  again: () => DropoutParams;
  dynamic: boolean;
}

/** The dropout the tape records. */
export interface DropoutContexts {
  dropout: DropoutContext;
}

/** The gradient applies the same mask to dy. */
export const dropoutGradients: GradientTable<DropoutContexts> = {
  dropout: ({ again, dynamic }, dy) => [applyMask(dy, again, again, dynamic)],
};

/**
 * Runs the mask kernel with `params()` on x; its gradient applies the same mask to dy with
 * `again()`. Dynamic params are re-evaluated by each replay of a captured step, in dispatch order,
 * so a replay's backward pass reuses the seed its forward pass drew.
 */
function applyMask(x: Tensor, params: () => DropoutParams, again: () => DropoutParams, dynamic: boolean): Tensor {
  const e = x.engine;
  const y = e.runKernel('dropout', [x], x.shape, 'float32', dynamic ? dynamicParams(params) : params());
  record('dropout', y, [x], { again, dynamic });
  return y;
}

/** Dropout with a counter-based mask, reproducible from its seed. */
export const dropoutOps = {
  /**
   * Inverted dropout: each element (or each element of the noise shape) is zeroed with
   * probability `rate` and the kept ones are scaled by 1 / (1 - rate), so the expected value is
   * unchanged (Keras). The mask is a hash of (seed, element index) drawn on the device; the
   * gradient reuses it. The identity (a view of x) when `training` is false or rate is 0.
   */
  dropout: (x: Tensor, rate: number, opts?: DropoutOptions): Tensor => {
    const e = x.engine;
    e.checkInputs('dropout', [x]);
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
      throw new Error(`dropout: rate must be a number in [0, 1), got ${describeValue(rate)} (x of shape ${fmt(x.shape)})`);
    }
    const options = checkOptions('dropout', opts, ['seed', 'training', 'noiseShape']);
    const training = checkBoolean('dropout', 'training', options.training, true);
    if (options.seed !== undefined && typeof options.seed !== 'number' && typeof options.seed !== 'function') {
      throw new Error(`dropout: seed must be an unsigned 32-bit integer or a function returning one, got ${describeValue(options.seed)}`);
    }
    const noiseShape = noiseShapeOf(x, options.noiseShape);
    const source = options.seed;
    if (typeof source === 'number') checkSeed(source);
    if (!training || rate === 0) return x.reshape(x.shape);
    const collapsed = collapseDims(x.shape, [broadcastStrides(noiseShape, x.shape)]);
    const withSeed = (seed: number): DropoutParams => ({
      n: x.size,
      shape: collapsed.shape,
      noiseStrides: collapsed.strides[0]!,
      seed,
      rate,
      scale: 1 / (1 - rate),
    });
    if (typeof source === 'number') {
      const fixed = (): DropoutParams => withSeed(source);
      return applyMask(x, fixed, fixed, false);
    }
    // Seeds are drawn only when a mask is made, so inference calls do not shift them.
    let current = 0;
    const draw = (): DropoutParams => withSeed((current = checkSeed(source ? source() : drawSeed(e))));
    return applyMask(x, draw, () => withSeed(current), true);
  },
};

type DropoutOps = typeof dropoutOps;

declare module '../tensor.js' {
  interface Tensor extends AsMethods<DropoutOps> {}
}
declare module '../engine.js' {
  interface Engine extends DropoutOps {}
}

installOps(dropoutOps, 'tensor');
