import type { Tensor } from '../tensor.js';
import type { RowParams } from '../kernel_ids/nn.js';
import { fmt, normalizeAxis, shapesEqual } from '../shape.js';
import type { GradientTable } from '../autodiff/rules.js';
import { installOps, type AsMethods } from './define.js';
import { record } from './record.js';

/** How a per-example loss becomes the result: Keras's default averages over the examples. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options of the cross-entropy losses. */
export interface CrossEntropyOptions {
  /** The class axis of the logits (default -1). */
  axis?: number;
  /** 'mean' (default, Keras's sum_over_batch_size), 'sum', or 'none' (one loss per example). */
  reduction?: Reduction;
}

/** Options of categoricalCrossEntropy (keras.losses.categorical_crossentropy). */
export interface CategoricalCrossEntropyOptions extends CrossEntropyOptions {
  /** The inputs are logits, not probabilities: the fused softmaxCrossEntropy is used. */
  fromLogits?: boolean;
  /** Probabilities are clipped to [epsilon, 1 - epsilon] (Keras's backend epsilon, 1e-7). */
  epsilon?: number;
}

/** [rows, cols] of a tensor whose last axis is the row. */
function rowsOf(x: Tensor): RowParams {
  const cols = x.shape[x.rank - 1] ?? 1;
  return { rows: cols === 0 ? 0 : x.size / cols, cols };
}

/** The permutation moving `axis` last, or null when it already is. */
function axisLastPerm(rank: number, axis: number): number[] | null {
  if (axis === rank - 1) return null;
  return [...Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis), axis];
}

/** Applies a last-axis op along `axis`, transposing in and out when needed. */
function alongAxis(op: string, x: Tensor, axis: number, f: (last: Tensor) => Tensor): Tensor {
  x.engine.checkInputs(op, [x]);
  if (x.rank === 0) throw new Error(`${op}: expects a tensor of rank >= 1, got a scalar`);
  const perm = axisLastPerm(x.rank, normalizeAxis(op, axis, x.rank));
  if (!perm) return f(x);
  const inverse = new Array<number>(perm.length);
  perm.forEach((a, i) => (inverse[a] = i));
  return f(x.transpose(perm)).transpose(inverse);
}

function softmaxLast(x: Tensor): Tensor {
  const y = x.engine.runKernel('softmax', [x], x.shape, 'float32', rowsOf(x));
  record('softmax', y, [x], { y });
  return y;
}

/** dx = y·(dy - sum(dy·y)): one kernel, or ops when an outer tape records (grad of grad). */
function softmaxGrad(y: Tensor, dy: Tensor): Tensor {
  const e = y.engine;
  if (e.isRecording) return y.mul(dy.sub(dy.mul(y).sum(-1, true)));
  return e.runKernel('softmax_backward', [y, dy], y.shape, 'float32', rowsOf(y));
}

function logSoftmaxLast(x: Tensor): Tensor {
  const y = x.engine.runKernel('log_softmax', [x], x.shape, 'float32', rowsOf(x));
  record('log_softmax', y, [x], { y });
  return y;
}

/** dx = dy - exp(y)·sum(dy): one kernel, or ops when an outer tape records. */
function logSoftmaxGrad(y: Tensor, dy: Tensor): Tensor {
  const e = y.engine;
  if (e.isRecording) return dy.sub(y.exp().mul(dy.sum(-1, true)));
  return e.runKernel('log_softmax_backward', [y, dy], y.shape, 'float32', rowsOf(y));
}

function reduceLoss(op: string, loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return loss.sum();
  if (reduction === 'mean') return loss.mean();
  throw new Error(`${op}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction)}`);
}

/** Moves the class axis of logits (and of same-shaped labels) last; disposal is left to tidy. */
function classesLast(op: string, x: Tensor, axis: number): Tensor {
  if (x.rank === 0) throw new Error(`${op}: logits must have rank >= 1, got a scalar`);
  const perm = axisLastPerm(x.rank, normalizeAxis(op, axis, x.rank));
  return perm ? x.transpose(perm) : x;
}

/** What the cross-entropies' backward rules see: logits (classes last) and labels. */
export interface CrossEntropyContext {
  z: Tensor;
  labels: Tensor;
}

/** The row ops the tape records. */
export interface SoftmaxContexts {
  softmax: { y: Tensor };
  log_softmax: { y: Tensor };
  softmax_cross_entropy: CrossEntropyContext;
  sparse_softmax_cross_entropy: CrossEntropyContext;
}

/**
 * Backward rules of the row ops: one fused kernel each, or ops when an outer tape records (grad
 * of grad). Integer labels get no gradient.
 */
export const softmaxGradients: GradientTable<SoftmaxContexts> = {
  softmax: ({ y }, dy) => [softmaxGrad(y, dy)],
  log_softmax: ({ y }, dy) => [logSoftmaxGrad(y, dy)],
  // Logits: softmax·sum(labels) - labels; labels: -logSoftmax(logits).
  softmax_cross_entropy: ({ z, labels }, dy) => {
    const e = z.engine;
    if (e.isRecording) {
      const dyCol = dy.expandDims(-1);
      return [z.softmax(-1).mul(labels.sum(-1, true)).sub(labels).mul(dyCol), z.logSoftmax(-1).neg().mul(dyCol)];
    }
    const out = { shape: z.shape, dtype: 'float32' as const };
    return e.runKernelOutputs('softmax_cross_entropy_backward', [z, labels, dy], [out, out], rowsOf(z));
  },
  sparse_softmax_cross_entropy: ({ z, labels }, dy) => {
    const e = z.engine;
    const p = rowsOf(z);
    if (e.isRecording) {
      const onehot = labels.expandDims(-1).equal(e.range(0, p.cols));
      return [z.softmax(-1).sub(onehot).mul(dy.expandDims(-1)), null];
    }
    return [e.runKernel('sparse_softmax_cross_entropy_backward', [z, labels, dy], z.shape, 'float32', p), null];
  },
};

function softmaxCrossEntropyLast(z: Tensor, labels: Tensor): Tensor {
  const loss = z.engine.runKernel('softmax_cross_entropy', [z, labels], z.shape.slice(0, -1), 'float32', rowsOf(z));
  record('softmax_cross_entropy', loss, [z, labels], { z, labels });
  return loss;
}

function sparseSoftmaxCrossEntropyLast(z: Tensor, labels: Tensor): Tensor {
  const loss = z.engine.runKernel('sparse_softmax_cross_entropy', [z, labels], labels.shape, 'float32', rowsOf(z));
  record('sparse_softmax_cross_entropy', loss, [z, labels], { z, labels });
  return loss;
}

/** Softmax, log-softmax and the cross-entropy losses built on them. */
export const softmaxOps = {
  /** exp(x) / sum(exp(x)) along `axis`, max-shifted so that large inputs do not overflow. */
  softmax: (x: Tensor, axis = -1): Tensor => alongAxis('softmax', x, axis, softmaxLast),
  /** x - logsumexp(x) along `axis`, finite for any finite x. */
  logSoftmax: (x: Tensor, axis = -1): Tensor => alongAxis('logSoftmax', x, axis, logSoftmaxLast),
  /**
   * Cross-entropy of softmax(logits) against label distributions (one-hot or soft) of the same
   * shape, fused: -sum(labels · logSoftmax(logits)) per example, computed from logsumexp so that
   * logits of ±1e4 give finite losses and gradients. The gradient of the logits is
   * softmax·sum(labels) - labels; the labels get -logSoftmax(logits) (tf.nn.softmax_cross_entropy_with_logits).
   */
  softmaxCrossEntropy: (logits: Tensor, labels: Tensor, options: CrossEntropyOptions = {}): Tensor => {
    const op = 'softmaxCrossEntropy';
    logits.engine.checkInputs(op, [logits, labels]);
    if (!shapesEqual(logits.shape, labels.shape)) {
      throw new Error(`${op}: logits ${fmt(logits.shape)} and labels ${fmt(labels.shape)} must have the same shape`);
    }
    const axis = options.axis ?? -1;
    const loss = softmaxCrossEntropyLast(classesLast(op, logits, axis), classesLast(op, labels, axis));
    return reduceLoss(op, loss, options.reduction ?? 'mean');
  },
  /**
   * Cross-entropy of softmax(logits) against integer class labels whose shape is the logits'
   * without the class axis, fused as softmaxCrossEntropy. Labels outside [0, classes) give NaN
   * (checking them would need a readback). The labels get no gradient.
   */
  sparseSoftmaxCrossEntropy: (logits: Tensor, labels: Tensor, options: CrossEntropyOptions = {}): Tensor => {
    const op = 'sparseSoftmaxCrossEntropy';
    logits.engine.checkInputs(op, [logits, labels]);
    const z = classesLast(op, logits, options.axis ?? -1);
    const rowShape = z.shape.slice(0, -1);
    if (!shapesEqual(labels.shape, rowShape)) {
      throw new Error(
        `${op}: labels ${fmt(labels.shape)} must have the shape of logits ${fmt(logits.shape)} without the class axis, ${fmt(rowShape)}`,
      );
    }
    return reduceLoss(op, sparseSoftmaxCrossEntropyLast(z, labels), options.reduction ?? 'mean');
  },
  /**
   * Keras's categorical_crossentropy from probabilities: the probabilities are renormalised to sum
   * to 1 along `axis`, clipped to [epsilon, 1 - epsilon], and -sum(labels · log(probs)) is taken.
   * With `fromLogits` it is softmaxCrossEntropy.
   */
  categoricalCrossEntropy: (probs: Tensor, labels: Tensor, options: CategoricalCrossEntropyOptions = {}): Tensor => {
    const op = 'categoricalCrossEntropy';
    probs.engine.checkInputs(op, [probs, labels]);
    if (!shapesEqual(probs.shape, labels.shape)) {
      throw new Error(`${op}: probabilities ${fmt(probs.shape)} and labels ${fmt(labels.shape)} must have the same shape`);
    }
    if (options.fromLogits) return softmaxOps.softmaxCrossEntropy(probs, labels, options);
    if (probs.rank === 0) throw new Error(`${op}: probabilities must have rank >= 1, got a scalar`);
    const axis = normalizeAxis(op, options.axis ?? -1, probs.rank);
    const eps = options.epsilon ?? 1e-7;
    const clipped = probs.div(probs.sum(axis, true)).clip(eps, 1 - eps);
    return reduceLoss(op, labels.mul(clipped.log()).sum(axis).neg(), options.reduction ?? 'mean');
  },
};

type SoftmaxOps = typeof softmaxOps;

declare module '../tensor.js' {
  interface Tensor extends AsMethods<SoftmaxOps> {}
}
declare module '../engine.js' {
  interface Engine extends SoftmaxOps {}
}

installOps(softmaxOps);
