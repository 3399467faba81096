import { Tensor } from '../tensor.js';
import type { RowParams } from '../kernel_ids/softmax.js';
import { fmt, normalizeAxis, shapesEqual } from '../shape.js';
import type { GradientTable } from '../autodiff/rules.js';
import { installOps, type AsMethods } from './define.js';
import { record } from './record.js';
import { checkBoolean, checkNumber, checkOneOf, checkOptions, checkTensor } from './validate.js';
import { labelCheckFlag } from './device_checks.js';
import { checkKernelSizes } from './limits.js';

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

const reductions: readonly Reduction[] = ['mean', 'sum', 'none'];

function reduceLoss(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? loss.sum() : loss.mean();
}

/** Checks a loss's two tensors and options; returns the reduction. */
function lossArguments<O extends CrossEntropyOptions>(op: string, a: Tensor, b: unknown, options: O | undefined, known: readonly (keyof O & string)[]): { labels: Tensor; o: O; reduction: Reduction } {
  const labels = checkTensor(op, 'labels', b);
  a.engine.checkInputs(op, [a, labels]);
  const o = checkOptions(op, options, known);
  return { labels, o, reduction: checkOneOf(op, 'reduction', o.reduction, reductions, 'mean') };
}

/**
 * Checks integer class labels against `classes` where their values are known without a readback
 * (src/ops/device_checks.ts); returns whether they are known valid. Bounds that are not exact (a
 * slice's) prove validity but not its absence: those go to the kernel's check. Not while a step
 * is traced: its replays see other labels.
 */
function labelsKnownValid(op: string, labels: Tensor, classes: number): boolean {
  const range = labels.engine.tracing ? undefined : labels.storage.valueRange;
  if (!range || labels.size === 0) return labels.size === 0;
  const valid = range.integers && range.min >= 0 && range.max < classes;
  if (!valid && range.exact) {
    throw new Error(
      `${op}: labels must be integers in [0, ${classes}), got ${range.integers ? '' : 'non-integer '}values in [${range.min}, ${range.max}] (labels ${fmt(labels.shape)})`,
    );
  }
  return valid;
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

/**
 * The fused loss. Its second output is the bad-label flag: the engine's (read at the next read or
 * flush) when the labels' range is unknown on WebGPU, else a scratch word nothing reads (known
 * labels are valid; the CPU kernel throws on a bad one).
 */
function sparseSoftmaxCrossEntropyLast(op: string, z: Tensor, labels: Tensor): Tensor {
  const e = z.engine;
  const p = rowsOf(z);
  const known = labelsKnownValid(op, labels, p.cols);
  const flag = known || e.backend.name === 'cpu' ? null : labelCheckFlag(e);
  let loss: Tensor;
  if (!flag) {
    const outputs = [{ shape: labels.shape, dtype: 'float32' as const }, { shape: [1], dtype: 'float32' as const }];
    const [out, scratch] = e.runKernelOutputs('sparse_softmax_cross_entropy', [z, labels], outputs, p) as [Tensor, Tensor];
    scratch.dispose();
    loss = out;
  } else {
    // The flag outlives this call: the kernel writes it in place, outside Engine.runKernel.
    checkKernelSizes(e, 'sparse_softmax_cross_entropy', [z, labels], [labels.shape]);
    const storage = e.allocStorage(labels.size, 'device', labels.shape);
    try {
      if (labels.size > 0) e.runKernelOn('sparse_softmax_cross_entropy', [z.storage, labels.storage], [storage, flag], p);
    } catch (err) {
      storage.release();
      throw err;
    }
    loss = e.madeBy('sparse_softmax_cross_entropy', [z, labels], storage, labels.shape, 'float32');
  }
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
    const { o, reduction } = lossArguments(op, logits, labels, options, ['axis', 'reduction']);
    if (!shapesEqual(logits.shape, labels.shape)) {
      throw new Error(`${op}: logits ${fmt(logits.shape)} and labels ${fmt(labels.shape)} must have the same shape`);
    }
    const axis = o.axis ?? -1;
    const loss = softmaxCrossEntropyLast(classesLast(op, logits, axis), classesLast(op, labels, axis));
    return reduceLoss(loss, reduction);
  },
  /**
   * Cross-entropy of softmax(logits) against integer class labels whose shape is the logits'
   * without the class axis, fused as softmaxCrossEntropy. The labels get no gradient. A label
   * that is not an integer in [0, classes) is an error: at once when its values are known on the
   * host (labels made by `e.tensor`, and slices or gathers of them) and on the CPU backend; on
   * WebGPU otherwise at the next read or flush, its example's loss being NaN (device_checks.ts).
   */
  sparseSoftmaxCrossEntropy: (logits: Tensor, labels: Tensor, options: CrossEntropyOptions = {}): Tensor => {
    const op = 'sparseSoftmaxCrossEntropy';
    const { o, reduction } = lossArguments(op, logits, labels, options, ['axis', 'reduction']);
    const z = classesLast(op, logits, o.axis ?? -1);
    const rowShape = z.shape.slice(0, -1);
    if (!shapesEqual(labels.shape, rowShape)) {
      throw new Error(
        `${op}: labels ${fmt(labels.shape)} must have the shape of logits ${fmt(logits.shape)} without the class axis, ${fmt(rowShape)}`,
      );
    }
    return reduceLoss(sparseSoftmaxCrossEntropyLast(op, z, labels), reduction);
  },
  /**
   * Keras's categorical_crossentropy from probabilities: the probabilities are renormalised to sum
   * to 1 along `axis`, clipped to [epsilon, 1 - epsilon], and -sum(labels · log(probs)) is taken.
   * With `fromLogits` it is softmaxCrossEntropy.
   */
  categoricalCrossEntropy: (probs: Tensor, labels: Tensor, options: CategoricalCrossEntropyOptions = {}): Tensor => {
    const op = 'categoricalCrossEntropy';
    const { o, reduction } = lossArguments(op, probs, labels, options, ['axis', 'reduction', 'fromLogits', 'epsilon']);
    if (!shapesEqual(probs.shape, labels.shape)) {
      throw new Error(`${op}: probabilities ${fmt(probs.shape)} and labels ${fmt(labels.shape)} must have the same shape`);
    }
    if (checkBoolean(op, 'fromLogits', o.fromLogits)) return softmaxOps.softmaxCrossEntropy(probs, labels, { axis: o.axis, reduction });
    if (probs.rank === 0) throw new Error(`${op}: probabilities must have rank >= 1, got a scalar`);
    const axis = normalizeAxis(op, o.axis ?? -1, probs.rank);
    const eps = checkNumber(op, 'epsilon', o.epsilon ?? 1e-7, { min: 0, max: 0.5 });
    const clipped = probs.div(probs.sum(axis, true)).clip(eps, 1 - eps);
    return reduceLoss(labels.mul(clipped.log()).sum(axis).neg(), reduction);
  },
};

type SoftmaxOps = typeof softmaxOps;

declare module '../tensor.js' {
  interface Tensor extends AsMethods<SoftmaxOps> {}
}
declare module '../engine.js' {
  interface Engine extends SoftmaxOps {}
}

installOps(softmaxOps, 'tensor');
