import type { Tensor } from '../tensor.js';
import { checkBoolean } from '../ops/validate.js';
import { getInitializer, type Initializer } from './initializers.js';
import { Layer, type LayerOptions, type LayerSpec, type WeightSpec } from './layer.js';
import { formatShape, type SymbolicShape } from './symbolic_shape.js';

/** Options of `BatchNormalization` (Keras' arguments in camelCase). */
export interface BatchNormalizationOptions extends LayerOptions {
  /** The feature axis (default -1: channels last). */
  axis?: number;
  /** Weight of the old value in the moving averages (default 0.99). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-3). */
  epsilon?: number;
  /** Learn an offset beta (default true). */
  center?: boolean;
  /** Learn a scale gamma (default true). */
  scale?: boolean;
  betaInitializer?: Initializer;
  gammaInitializer?: Initializer;
  movingMeanInitializer?: Initializer;
  movingVarianceInitializer?: Initializer;
}

/**
 * Keras' BatchNormalization. Training normalises with the batch statistics (over every axis but
 * the feature axis; biased variance, as Keras computes it) and moves moving_mean and
 * moving_variance towards them on the device (`moving = moving·momentum + batch·(1 - momentum)`,
 * no readback). Inference, and a frozen layer (`trainable = false`, as in Keras), uses the moving
 * statistics. Weights: gamma, beta (trainable), moving_mean, moving_variance (not trainable).
 */
export class BatchNormalization extends Layer {
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly inits: Record<'beta' | 'gamma' | 'moving_mean' | 'moving_variance', Initializer>;

  constructor(options: BatchNormalizationOptions = {}) {
    super('BatchNormalization', options, ['axis', 'momentum', 'epsilon', 'center', 'scale', 'betaInitializer', 'gammaInitializer', 'movingMeanInitializer', 'movingVarianceInitializer']);
    this.axis = options.axis ?? -1;
    this.momentum = options.momentum ?? 0.99;
    this.epsilon = options.epsilon ?? 1e-3;
    this.center = checkBoolean(this.name, 'center', options.center, true);
    this.scale = checkBoolean(this.name, 'scale', options.scale, true);
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new Error(`${this.name}: momentum must be in [0, 1], got ${this.momentum}`);
    if (!(this.epsilon > 0)) throw new Error(`${this.name}: epsilon must be positive, got ${this.epsilon}`);
    this.inits = {
      gamma: options.gammaInitializer ?? 'ones',
      beta: options.betaInitializer ?? 'zeros',
      moving_mean: options.movingMeanInitializer ?? 'zeros',
      moving_variance: options.movingVarianceInitializer ?? 'ones',
    };
  }

  private featureAxis(rank: number): number {
    const a = this.axis < 0 ? rank + this.axis : this.axis;
    if (!Number.isInteger(a) || a < 1 || a >= rank) {
      throw new Error(`${this.name}: axis ${this.axis} is not a feature axis of inputs of rank ${rank}`);
    }
    return a;
  }

  protected buildSpec(inputShape: SymbolicShape): LayerSpec {
    const channels = inputShape[this.featureAxis(inputShape.length)];
    if (channels === null || channels === undefined) {
      throw new Error(`${this.name}: the feature axis must have a known size, got ${formatShape(inputShape)}`);
    }
    const spec = (name: keyof typeof this.inits, trainable: boolean): WeightSpec => ({
      name,
      shape: [channels],
      trainable,
      initializer: getInitializer(this.name, this.inits[name]),
    });
    const weights: WeightSpec[] = [];
    if (this.scale) weights.push(spec('gamma', true));
    if (this.center) weights.push(spec('beta', true));
    weights.push(spec('moving_mean', false), spec('moving_variance', false));
    return { weights, outputShape: inputShape };
  }

  protected call(x: Tensor, training: boolean): Tensor {
    const axis = this.featureAxis(x.rank);
    if (axis === x.rank - 1) return this.normalizeLast(x, training);
    // The batch-norm ops normalise the last axis: move the feature axis there and back.
    const perm = x.shape.map((_, i) => i).filter((i) => i !== axis);
    perm.push(axis);
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return this.normalizeLast(x.transpose(perm), training).transpose(inverse);
  }

  private normalizeLast(x: Tensor, training: boolean): Tensor {
    const gamma = this.scale ? this.weight('gamma') : undefined;
    const beta = this.center ? this.weight('beta') : undefined;
    const movingMean = this.weight('moving_mean');
    const movingVariance = this.weight('moving_variance');
    if (!training || !this.trainable) {
      return x.batchNorm(movingMean, movingVariance, { offset: beta, scale: gamma, epsilon: this.epsilon });
    }
    const { y, mean, variance } = x.batchNormTraining({ gamma, beta, epsilon: this.epsilon });
    const e = x.engine;
    e.assignMovingAverage(movingMean, mean, this.momentum);
    e.assignMovingAverage(movingVariance, variance, this.momentum);
    return y;
  }
}
