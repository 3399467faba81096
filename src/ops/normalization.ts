import type { Engine } from '../engine.js';
import type { Tensor } from '../tensor.js';
import type { BatchNormReduceParams } from '../kernel_ids/norm.js';
import { fmt, shapesEqual } from '../shape.js';
import { sumToShape } from './binary.js';
import { installEngineFunctions, installOps, type AsMethods } from './define.js';
import type { DropEngine } from './creation.js';
import type { GradientTable } from '../autodiff/rules.js';
import { record } from './record.js';
import { checkNumber, checkOptions, checkTensor } from './validate.js';
import { describeValue } from '../values.js';
import { Variable } from '../tensor.js';

/** Options of batchNorm (tf.nn.batch_normalization). */
export interface BatchNormOptions {
  /** beta, added after scaling (broadcast against x; default none). */
  offset?: Tensor;
  /** gamma, multiplied after normalising (broadcast against x; default none). */
  scale?: Tensor;
  /** Added to the variance (default 1e-3, Keras's BatchNormalization). */
  epsilon?: number;
}

/** Options of batchNormTraining. */
export interface BatchNormTrainingOptions {
  /** Per-channel scale, [channels] (default none: 1). */
  gamma?: Tensor;
  /** Per-channel offset, [channels] (default none: 0). */
  beta?: Tensor;
  /** Added to the variance (default 1e-3). */
  epsilon?: number;
}

/** What batchNormTraining returns: the output and the batch statistics, each [channels]. */
export interface BatchNormTrainingResult {
  y: Tensor;
  mean: Tensor;
  /** Population variance (divided by the number of elements per channel), as Keras. */
  variance: Tensor;
}

const defaultEpsilon = 1e-3;
/** Rows a statistics chunk holds at least, and the most chunks (see batch_norm_stats_partial.wgsl). */
const minRowsPerChunk = 256;
const maxChunks = 1024;

function checkEpsilon(op: string, epsilon: number): number {
  return checkNumber(op, 'epsilon', epsilon, { min: 0 });
}

/** Whether `t` broadcasts to x's shape without growing it. */
function broadcastsTo(t: Tensor, shape: readonly number[]): boolean {
  if (t.rank > shape.length) return false;
  return t.shape.every((d, i) => d === 1 || d === shape[shape.length - t.rank + i]);
}

/** 1 for a [channels] vector (leading 1s allowed), 0 for a single value, null otherwise. */
function channelStride(t: Tensor, channels: number): 0 | 1 | null {
  if (t.size === 1) return 0;
  if (t.size === channels && t.shape[t.rank - 1] === channels) return 1;
  return null;
}

/** The chunking of a [rows, channels] column reduction (the same on every backend). */
function reducePlan(rows: number, channels: number, epsilon: number): BatchNormReduceParams {
  const rowsPerChunk = Math.max(minRowsPerChunk, Math.ceil(rows / maxChunks));
  return { rows, channels, rowsPerChunk, chunks: Math.max(1, Math.ceil(rows / rowsPerChunk)), epsilon };
}

/** Gradients of y = (x - mean)·rsqrt(variance + eps)·scale + offset, written with ops. */
function inferenceGrads(
  x: Tensor,
  mean: Tensor,
  variance: Tensor,
  scale: Tensor | undefined,
  offset: Tensor | undefined,
  eps: number,
  dy: Tensor,
  needed: readonly boolean[],
): (Tensor | null)[] {
  const [needX, needMean, needVariance, ...rest] = needed;
  const needScale = scale ? rest[0] : false;
  const needOffset = offset ? rest[scale ? 1 : 0] : false;
  const invstd = variance.add(eps).rsqrt();
  const gain = scale ? invstd.mul(scale) : invstd;
  const dx = needX || needMean ? dy.mul(gain) : null;
  const grads: (Tensor | null)[] = [
    needX ? dx : null,
    needMean ? sumToShape(dx!.neg(), mean.shape) : null,
    needVariance ? sumToShape(dy.mul(x.sub(mean)).mul(gain).mul(invstd.square()).mul(-0.5), variance.shape) : null,
  ];
  if (scale) grads.push(needScale ? sumToShape(dy.mul(x.sub(mean).mul(invstd)), scale.shape) : null);
  if (offset) grads.push(needOffset ? sumToShape(dy, offset.shape) : null);
  return grads;
}

/**
 * dx of training-mode batch norm with ops (differentiable again): used when an outer tape
 * records, i.e. for second derivatives. The statistics are recomputed from x so that their
 * dependence on x is part of the graph.
 */
function trainingDxWithOps(x: Tensor, gamma: Tensor | undefined, eps: number, dy: Tensor): Tensor {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const mean = x.mean(axes);
  const xc = x.sub(mean);
  const invstd = xc.square().mean(axes).add(eps).rsqrt();
  const xhat = xc.mul(invstd);
  const centred = dy.sub(dy.mean(axes)).sub(xhat.mul(dy.mul(xhat).mean(axes)));
  const gain = gamma ? invstd.mul(gamma.reshape([-1])) : invstd;
  return centred.mul(gain);
}

/** What inference-mode batch norm's rule sees. */
export interface BatchNormContext {
  x: Tensor;
  mean: Tensor;
  variance: Tensor;
  scale: Tensor | undefined;
  offset: Tensor | undefined;
  eps: number;
}

/** What training-mode batch norm's rules see. */
export interface BatchNormTrainingContext {
  x: Tensor;
  gamma: Tensor | undefined;
  beta: Tensor | undefined;
  /** The full gamma the kernels read (a constant 1 without gamma). */
  gammaT: Tensor;
  /** The engine's own handles on the batch statistics (callers may dispose theirs). */
  mean: Tensor;
  variance: Tensor;
  eps: number;
  plan: BatchNormReduceParams;
}

/** The normalisation ops the tape records; the statistics of training mode are outputs too. */
export interface NormalizationContexts {
  batch_norm: BatchNormContext;
  batch_norm_training: BatchNormTrainingContext;
  batch_norm_training_mean: BatchNormTrainingContext;
  batch_norm_training_variance: BatchNormTrainingContext;
}

/** Training-mode batch norm's gradients for x, gamma and beta: fused kernels, or ops for grad of grad. */
function trainingGrads(c: BatchNormTrainingContext, dy: Tensor, needed: readonly boolean[]): (Tensor | null)[] {
  const { x, gamma, beta, gammaT, eps, plan } = c;
  const e = x.engine;
  const needGamma = gamma ? needed[1] : false;
  const needBeta = beta ? needed[gamma ? 2 : 1] : false;
  let dx: Tensor | null = null;
  let sumDy: Tensor | null = null;
  let sumDyXhat: Tensor | null = null;
  if (e.isRecording) {
    // Second derivatives: everything as ops.
    if (needed[0]) dx = trainingDxWithOps(x, gamma, eps, dy);
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    if (needBeta) sumDy = dy.sum(axes);
    if (needGamma) sumDyXhat = dy.mul(x.sub(c.mean).mul(c.variance.add(eps).rsqrt())).sum(axes);
  } else {
    const stat = { shape: [plan.channels], dtype: 'float32' as const };
    const part = e.runKernel('batch_norm_grad_partial', [x, dy, c.mean, c.variance], [plan.chunks, 2, plan.channels], 'float32', plan);
    [sumDy, sumDyXhat] = e.runKernelOutputs('batch_norm_grad_finalize', [part], [stat, stat], plan) as [Tensor, Tensor];
    if (needed[0]) {
      dx = e.runKernel('batch_norm_backprop', [x, dy, c.mean, c.variance, gammaT, sumDy, sumDyXhat], x.shape, 'float32', {
        n: x.size,
        rows: plan.rows,
        channels: plan.channels,
        epsilon: eps,
        gammaStride: gamma ? 1 : 0,
      });
    }
  }
  const grads: (Tensor | null)[] = [dx];
  if (gamma) grads.push(needGamma ? sumDyXhat!.reshape(gamma.shape) : null);
  if (beta) grads.push(needBeta ? sumDy!.reshape(beta.shape) : null);
  return grads;
}

/** Backward rules of batch normalisation. */
export const normalizationGradients: GradientTable<NormalizationContexts> = {
  batch_norm: (c, dy, needed) => inferenceGrads(c.x, c.mean, c.variance, c.scale, c.offset, c.eps, dy, needed),
  batch_norm_training: trainingGrads,
  // d mean / dx = 1/M; d variance / dx = 2·(x - mean)/M (population variance).
  batch_norm_training_mean: ({ x, plan }, dmean) => [dmean.div(plan.rows).broadcastTo(x.shape)],
  batch_norm_training_variance: ({ x, mean, plan }, dvar) => [x.sub(mean).mul(dvar).mul(2 / plan.rows)],
};

/** Batch normalisation over the last (channels) axis, for inference and training. */
export const normalizationOps = {
  /**
   * (x - mean)·rsqrt(variance + epsilon)·scale + offset with broadcasting: inference-mode batch
   * normalisation with given (moving) statistics. Per-channel parameters ([channels], or one
   * value) run as one fused kernel; other broadcastable shapes run as elementwise ops.
   */
  batchNorm: (x: Tensor, mean: Tensor, variance: Tensor, opts?: BatchNormOptions): Tensor => {
    const op = 'batchNorm';
    const e = x.engine;
    checkTensor(op, 'mean', mean);
    checkTensor(op, 'variance', variance);
    const options = checkOptions(op, opts, ['offset', 'scale', 'epsilon']);
    const { scale, offset } = options;
    if (scale !== undefined) checkTensor(op, 'scale', scale);
    if (offset !== undefined) checkTensor(op, 'offset', offset);
    const eps = checkEpsilon(op, options.epsilon ?? defaultEpsilon);
    const named: [string, Tensor | undefined][] = [['mean', mean], ['variance', variance], ['scale', scale], ['offset', offset]];
    const params = named.filter((p): p is [string, Tensor] => p[1] !== undefined);
    e.checkInputs(op, [x, ...params.map((p) => p[1])]);
    if (x.rank === 0) throw new Error(`${op}: x must have rank >= 1 (channels last), got a scalar`);
    for (const [name, t] of params) {
      if (!broadcastsTo(t, x.shape)) {
        throw new Error(`${op}: ${name} of shape ${fmt(t.shape)} does not broadcast to x of shape ${fmt(x.shape)}`);
      }
    }
    const channels = x.shape[x.rank - 1]!;
    const strides = params.map(([, t]) => channelStride(t, channels));
    if (strides.some((s) => s === null)) {
      let y = x.sub(mean).mul(variance.add(eps).rsqrt());
      if (scale) y = y.mul(scale);
      return offset ? y.add(offset) : y;
    }
    const stride = (t: Tensor | undefined): number => (t ? channelStride(t, channels)! : 0);
    const inputs = [x, mean, variance, scale ?? e.constant(1), offset ?? e.constant(0)];
    const y = e.runKernel('batch_norm', inputs, x.shape, 'float32', {
      n: x.size,
      channels,
      epsilon: eps,
      meanStride: stride(mean),
      varianceStride: stride(variance),
      scaleStride: stride(scale),
      offsetStride: stride(offset),
    });
    record('batch_norm', y, [x, ...params.map((p) => p[1])], { x, mean, variance, scale, offset, eps });
    return y;
  },

  /**
   * Training-mode batch normalisation over the last axis: the mean and population variance of
   * each channel over all other axes (the batch statistics), then
   * y = (x - mean)·rsqrt(variance + epsilon)·gamma + beta. The statistics come from a two-pass
   * column reduction (chunk partials, then Chan's combination); the backward pass uses fused
   * kernels for sum(dy), sum(dy·xhat) and dx. `mean` and `variance` are [channels] and carry
   * gradients too.
   */
  batchNormTraining: (x: Tensor, opts?: BatchNormTrainingOptions): BatchNormTrainingResult => {
    const op = 'batchNormTraining';
    const e = x.engine;
    const options = checkOptions(op, opts, ['gamma', 'beta', 'epsilon']);
    const { gamma, beta } = options;
    if (gamma !== undefined) checkTensor(op, 'gamma', gamma);
    if (beta !== undefined) checkTensor(op, 'beta', beta);
    const eps = checkEpsilon(op, options.epsilon ?? defaultEpsilon);
    e.checkInputs(op, [x, ...(gamma ? [gamma] : []), ...(beta ? [beta] : [])]);
    if (x.rank === 0) throw new Error(`${op}: x must have rank >= 1 (channels last), got a scalar`);
    const channels = x.shape[x.rank - 1]!;
    for (const [name, t] of [['gamma', gamma], ['beta', beta]] as const) {
      if (t && channelStride(t, channels) !== 1 && !(channels === 1 && t.size === 1)) {
        throw new Error(`${op}: ${name} of shape ${fmt(t.shape)} must hold one value per channel of x ${fmt(x.shape)} ([${channels}])`);
      }
    }
    const rows = channels === 0 ? 0 : x.size / channels;
    if (rows === 0) throw new Error(`${op}: x of shape ${fmt(x.shape)} has no elements to take statistics of`);
    const plan = reducePlan(rows, channels, eps);
    const stat = { shape: [channels], dtype: 'float32' as const };
    const partial = e.runKernel('batch_norm_stats_partial', [x], [plan.chunks, 2, channels], 'float32', plan);
    const [mean, variance] = e.runKernelOutputs('batch_norm_stats_finalize', [partial], [stat, stat], plan) as [Tensor, Tensor];
    partial.dispose();
    const gammaT = gamma ?? e.constant(1);
    const y = e.runKernel('batch_norm', [x, mean, variance, gammaT, beta ?? e.constant(0)], x.shape, 'float32', {
      n: x.size,
      channels,
      epsilon: eps,
      meanStride: 1,
      varianceStride: 1,
      scaleStride: gamma ? 1 : 0,
      offsetStride: beta ? 1 : 0,
    });
    if (!e.isRecording) return { y, mean, variance };

    // The backward rules keep their own handles on the statistics: callers may dispose the
    // returned ones once the moving averages are updated.
    const context: BatchNormTrainingContext = {
      x,
      gamma,
      beta,
      gammaT,
      mean: e.view(mean, mean.shape),
      variance: e.view(variance, variance.shape),
      eps,
      plan,
    };
    record('batch_norm_training', y, [x, ...(gamma ? [gamma] : []), ...(beta ? [beta] : [])], context);
    record('batch_norm_training_mean', mean, [x], context);
    record('batch_norm_training_variance', variance, [x], context);
    return { y, mean, variance };
  },
};

/**
 * The Keras moving-average update, on the device (no readback):
 * moving ← moving·momentum + value·(1 - momentum). Returns `moving`.
 */
export function assignMovingAverage(moving: Variable, value: Tensor, momentum = 0.99): Variable {
  const op = 'assignMovingAverage';
  if (!(moving instanceof Variable)) throw new Error(`${op}: moving must be a variable, got ${describeValue(moving)}`);
  const e = moving.engine;
  e.checkInputs(op, [moving, checkTensor(op, 'value', value)]);
  if (!shapesEqual(moving.shape, value.shape)) {
    throw new Error(`${op}: variable '${moving.name}' ${fmt(moving.shape)} and value ${fmt(value.shape)} differ in shape`);
  }
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) {
    throw new Error(`${op}: momentum must be in [0, 1], got ${describeValue(momentum)}`);
  }
  e.tidy(() => {
    moving.assign(moving.mul(momentum).add(value.mul(1 - momentum)));
  });
  return moving;
}

/** Engine functions of this family: `e.assignMovingAverage(v, batchMean)`. */
export const normalizationFunctions = {
  assignMovingAverage: (_e: Engine, moving: Variable, value: Tensor, momentum?: number): Variable =>
    assignMovingAverage(moving, value, momentum),
};

type NormalizationOps = typeof normalizationOps;
type NormalizationFunctions = DropEngine<typeof normalizationFunctions>;

declare module '../tensor.js' {
  interface Tensor extends AsMethods<NormalizationOps> {}
}
declare module '../engine.js' {
  interface Engine extends NormalizationOps, NormalizationFunctions {}
}

installOps(normalizationOps, 'tensor');
installEngineFunctions(normalizationFunctions);
