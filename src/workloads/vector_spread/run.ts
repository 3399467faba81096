/**
 * Workload 2 of the article: spread N vectors as evenly as possible over the unit sphere in D
 * dimensions by gradient ASCENT on a spread metric (angle_losses.ts, force_loss.ts, best_loss.ts).
 *
 * Faithful to the article's loop: V starts from normal samples with every row scaled to norm
 * 0.999; each step computes the metric and its gradient, clips the gradient by norm (optional),
 * adds lr · gradient, and scales the rows back to norm 0.999; the learning rate is multiplied by
 * `lrDecay` every `decayEvery` steps. Here the step is one captured GPU step
 * (`opt.compileStep(metric, [V], { maximize: true })`): plain SGD (or any e.optim optimizer)
 * with a step-decay schedule, clipNorm, and the unitNormRows(0.999) constraint after the update.
 * The project's own 'best' (best_loss.ts) runs the same loop with Adam and a β that sharpens its
 * objective, written into a variable before each step. The metric and the smallest angle are recorded on the device each step; the vectors, the
 * histories and the statistics are read back once at the end.
 */
import type { Engine } from '../../engine.js';
import type { Tensor, Variable } from '../../tensor.js';
import type { CompiledStep, LossRecorder, Optimizer } from '../../optim/index.js';
import { isOptimizerName, makeOptimizer, optimizerNames, type OptimizerName } from '../optimizers.js';
import { minRowAngle } from './angle_losses.js';
import { initialVectors, rowNorm } from './init.js';
import { annealedBeta, bestSpread } from './best_loss.js';
import { isSpreadLossName, spreadLosses, spreadLossNames, type SpreadLossName } from './losses.js';
import { spreadStats } from './metrics.js';

/** Options of `runVectorSpread`; every one has a default. */
export interface VectorSpreadOptions {
  /** The spread metric to maximize; default 'min-angle'. */
  loss?: SpreadLossName;
  /** Number of vectors; default 20. */
  n?: number;
  /** Their dimension; default 2. */
  dims?: number;
  /** Gradient-ascent steps; default per loss (`vectorSpreadDefaults`). */
  steps?: number;
  /** Initial learning rate; default per loss. */
  lr?: number;
  /** The learning rate is multiplied by this every `decayEvery` steps; default per loss. */
  lrDecay?: number;
  /** Default 100. */
  decayEvery?: number;
  /** Clip the gradient of V to this norm (tf.clip_by_norm); default per loss (none, or 200 for 'force'). */
  clipNorm?: number;
  /** Default 'sgd' (with no momentum: the article's plain `V += lr · grad`). */
  optimizer?: OptimizerName;
  /** Optimizer-specific Keras options (momentum, beta1, ...). */
  optimizerOptions?: Record<string, unknown>;
  /** Seed of the starting vectors; default 1. */
  seed?: number;
  /** Run each step as one captured GPU step (default true) or eagerly (false, for comparison). */
  capture?: boolean;
  /**
   * Wait for the GPU to finish the steps so far every this many steps (no readback); default 50
   * captured, 1 eager (an eager force step records tens of thousands of dispatches, and the wait
   * is when their dropped bind groups are released).
   */
  syncEvery?: number;
  /** Called after each step with the number of steps done and the total (nothing is read back). */
  onStep?: (step: number, steps: number) => void;
}

/** What `runVectorSpread` returns. Angles in degrees. */
export interface VectorSpreadResult {
  /** The smallest angle between two of the final vectors. */
  minAngleDeg: number;
  /** The mean over vectors of the angle to their nearest neighbour, at the end. */
  meanMinAngleDeg: number;
  /** The metric before each update (one per step). */
  lossHistory: number[];
  /** The true smallest angle between vectors before each update (one per step), for plots. */
  minAngleHistory: number[];
  /** The final vectors, one row each, of norm 0.999. */
  vectors: number[][];
  /** The starting vectors and their statistics. */
  initialVectors: number[][];
  initialMinAngleDeg: number;
  initialMeanMinAngleDeg: number;
  /** The settings used, defaults filled in. */
  loss: SpreadLossName;
  n: number;
  dims: number;
  steps: number;
  lr: number;
  lrDecay: number;
  decayEvery: number;
  clipNorm: number | null;
  optimizer: OptimizerName;
  seed: number;
}

/** Per-loss defaults: what `runVectorSpread` uses for options not given. */
export interface SpreadDefaults {
  steps: number;
  lr: number;
  lrDecay: number;
  clipNorm: number | null;
  optimizer: OptimizerName;
}

/**
 * Per-loss defaults: the article's settings (its notebook), with step counts for a GPU run; for
 * 'best', Adam with the learning rate decayed from 0.01 to about 2e-4 over its 2000 steps while
 * the objective sharpens (best_loss.ts).
 */
export const vectorSpreadDefaults: Record<SpreadLossName, SpreadDefaults> = {
  'min-angle': { steps: 5000, lr: 0.01, lrDecay: 0.995, clipNorm: null, optimizer: 'sgd' },
  'min-angle-variance': { steps: 5000, lr: 0.01, lrDecay: 0.995, clipNorm: null, optimizer: 'sgd' },
  // "This version should converge on a solution very quickly": fewer steps, fast decay, clipping.
  force: { steps: 500, lr: 0.001, lrDecay: 0.7, clipNorm: 200, optimizer: 'sgd' },
  best: { steps: 2000, lr: 0.01, lrDecay: 0.82, clipNorm: null, optimizer: 'adam' },
};

function positiveInteger(name: string, v: number, min = 1): number {
  if (!Number.isInteger(v) || v < min) throw new Error(`runVectorSpread: ${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

function positiveNumber(name: string, v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) throw new Error(`runVectorSpread: ${name} must be a positive number, got ${v}`);
  return v;
}

/** Options with defaults filled in, checked. */
function settings(options: VectorSpreadOptions) {
  const loss = options.loss ?? 'min-angle';
  if (!isSpreadLossName(loss)) throw new Error(`runVectorSpread: unknown loss '${String(loss)}' (use one of ${spreadLossNames.join(', ')})`);
  const d = vectorSpreadDefaults[loss];
  const optimizer = options.optimizer ?? d.optimizer;
  if (!isOptimizerName(optimizer)) throw new Error(`runVectorSpread: unknown optimizer '${String(optimizer)}' (use one of ${optimizerNames.join(', ')})`);
  const clipNorm = options.clipNorm ?? d.clipNorm;
  const capture = options.capture ?? true;
  return {
    loss,
    n: positiveInteger('n', options.n ?? 20, 2),
    dims: positiveInteger('dims', options.dims ?? 2),
    steps: positiveInteger('steps', options.steps ?? d.steps),
    lr: positiveNumber('lr', options.lr ?? d.lr),
    lrDecay: positiveNumber('lrDecay', options.lrDecay ?? d.lrDecay),
    decayEvery: positiveInteger('decayEvery', options.decayEvery ?? 100),
    clipNorm: clipNorm === null ? null : positiveNumber('clipNorm', clipNorm),
    optimizer,
    seed: options.seed ?? 1,
    capture,
    syncEvery: positiveInteger('syncEvery', options.syncEvery ?? (capture ? 50 : 1)),
  };
}

/**
 * Runs the vector-spread workload on the engine's device and returns the final vectors, their
 * statistics and the per-step histories. A steady step reads nothing back; the end costs three
 * readbacks (vectors, metric history, min-angle history).
 */
export async function runVectorSpread(e: Engine, options: VectorSpreadOptions = {}): Promise<VectorSpreadResult> {
  const s = settings(options);
  const start = initialVectors(s.n, s.dims, s.seed);
  const V = e.variable(start, [s.n, s.dims], { name: 'vectors' });
  // 'best' sharpens as the run goes: its β lives in a variable written before each step.
  const beta = s.loss === 'best' ? e.variable(annealedBeta(1, s.steps), [], { name: 'beta', trainable: false }) : null;
  const metric = beta ? (v: Tensor): Tensor => bestSpread(v, beta) : spreadLosses[s.loss];
  const losses = e.optim.lossRecorder(s.steps);
  const minAngles = e.optim.lossRecorder(s.steps);
  let opt: Optimizer | null = null;
  let captured: CompiledStep | null = null;
  try {
    const optimizer = makeOptimizer(
      e,
      'runVectorSpread',
      s.optimizer,
      {
        learningRate: e.optim.schedules.stepDecay({ initialLearningRate: s.lr, factor: s.lrDecay, every: s.decayEvery }),
        ...(s.clipNorm === null ? {} : { clipNorm: s.clipNorm }),
        constraints: [{ var: V, constraint: e.optim.constraints.unitNormRows(rowNorm) }],
      },
      options.optimizerOptions,
    ).recordLoss(losses);
    opt = optimizer;
    const objective = (): Tensor => {
      const value = metric(V);
      // The true smallest angle, for the history (the metrics' acos(V Vᵀ) is biased by the 0.999 norm).
      minAngles.record(minRowAngle(V, rowNorm));
      return value;
    };
    captured = s.capture ? optimizer.compileStep(objective, [V], { maximize: true }) : null;
    const step = captured ?? ((): Tensor => optimizer.maximize(objective, [V]));
    for (let i = 1; i <= s.steps; i++) {
      beta?.assign(annealedBeta(i, s.steps));
      step().dispose();
      // Let the GPU catch up now and then: progress reports then follow the GPU, not the
      // encoding, and Dawn gets to release what finished steps no longer use.
      if (i % s.syncEvery === 0 && i < s.steps) await e.flush();
      options.onStep?.(i, s.steps);
    }
    return await results(s, V, losses, minAngles, start);
  } finally {
    captured?.dispose();
    opt?.dispose();
    losses.dispose();
    minAngles.dispose();
    e.dispose(beta ? [V, beta] : V);
  }
}

async function results(
  s: ReturnType<typeof settings>,
  V: Variable,
  losses: LossRecorder,
  minAngles: LossRecorder,
  start: number[][],
): Promise<VectorSpreadResult> {
  const [flat, lossHistory, minAngleRadians] = await Promise.all([V.data(), losses.read(), minAngles.read()]);
  const vectors = Array.from({ length: s.n }, (_, i) => Array.from(flat.subarray(i * s.dims, (i + 1) * s.dims)));
  const final = spreadStats(vectors);
  const initial = spreadStats(start);
  return {
    minAngleDeg: final.minAngleDeg,
    meanMinAngleDeg: final.meanMinAngleDeg,
    lossHistory: Array.from(lossHistory),
    minAngleHistory: Array.from(minAngleRadians, (r) => (r * 180) / Math.PI),
    vectors,
    initialVectors: start,
    initialMinAngleDeg: initial.minAngleDeg,
    initialMeanMinAngleDeg: initial.meanMinAngleDeg,
    loss: s.loss,
    n: s.n,
    dims: s.dims,
    steps: s.steps,
    lr: s.lr,
    lrDecay: s.lrDecay,
    decayEvery: s.decayEvery,
    clipNorm: s.clipNorm,
    optimizer: s.optimizer,
    seed: s.seed,
  };
}
