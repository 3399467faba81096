/**
 * Learning-rate schedules, as Keras's `tf.keras.optimizers.schedules`: functions of the step count
 * (the optimizer's `iterations` before the update: 0 for the first step). They run on the CPU, and
 * the value reaches the update kernel as a parameter, so a schedule never causes a readback.
 */

import { checkArray, checkBoolean, checkOptions } from '../ops/validate.js';
import { describeValue } from '../values.js';

/** A learning rate as a function of the step (0 for the first update). */
export type LearningRateSchedule = (step: number) => number;

/** What `learningRate` options accept: a number or a schedule. */
export type LearningRate = number | LearningRateSchedule;

function positive(op: string, name: string, value: number): void {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) throw new Error(`${op}: ${name} must be a positive number, got ${describeValue(value)}`);
}

function finite(op: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${op}: ${name} must be a finite number, got ${describeValue(value)}`);
}

/** Always `value`. */
export function constant(value: number): LearningRateSchedule {
  finite('constant', 'value', value);
  return () => value;
}

/** Options of `exponentialDecay`. */
export interface ExponentialDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  /** Decay in discrete intervals: the exponent is floor(step / decaySteps). */
  staircase?: boolean;
}

/** initialLearningRate · decayRate^(step / decaySteps) (Keras ExponentialDecay). */
export function exponentialDecay(options: ExponentialDecayOptions): LearningRateSchedule {
  const { initialLearningRate, decaySteps, decayRate, staircase: flag } = checkOptions('exponentialDecay', options, ['initialLearningRate', 'decaySteps', 'decayRate', 'staircase']);
  const staircase = checkBoolean('exponentialDecay', 'staircase', flag);
  finite('exponentialDecay', 'initialLearningRate', initialLearningRate);
  positive('exponentialDecay', 'decaySteps', decaySteps);
  finite('exponentialDecay', 'decayRate', decayRate);
  return (step) => {
    const p = staircase ? Math.floor(step / decaySteps) : step / decaySteps;
    return initialLearningRate * Math.pow(decayRate, p);
  };
}

/** Options of `stepDecay`. */
export interface StepDecayOptions {
  initialLearningRate: number;
  /** Multiplier applied every `every` steps, e.g. 0.995. */
  factor: number;
  every: number;
}

/**
 * initialLearningRate · factor^floor(step / every): "multiply by 0.995 every 100 steps". The same as
 * `exponentialDecay` with `staircase: true`.
 */
export function stepDecay(options: StepDecayOptions): LearningRateSchedule {
  const { initialLearningRate, factor, every } = checkOptions('stepDecay', options, ['initialLearningRate', 'factor', 'every']);
  finite('stepDecay', 'initialLearningRate', initialLearningRate);
  finite('stepDecay', 'factor', factor);
  positive('stepDecay', 'every', every);
  return (step) => initialLearningRate * Math.pow(factor, Math.floor(step / every));
}

/**
 * values[0] while step <= boundaries[0], values[1] while step <= boundaries[1], ..., and the last
 * value after the last boundary (Keras PiecewiseConstantDecay).
 */
export function piecewiseConstant(boundaries: readonly number[], values: readonly number[]): LearningRateSchedule {
  checkArray<number>('piecewiseConstant', 'boundaries', boundaries).forEach((b, i) => finite('piecewiseConstant', `boundaries[${i}]`, b));
  checkArray('piecewiseConstant', 'values', values);
  if (values.length !== boundaries.length + 1) {
    throw new Error(`piecewiseConstant: needs one more value than boundaries, got ${boundaries.length} boundaries and ${values.length} values`);
  }
  for (let i = 1; i < boundaries.length; i++) {
    if (!(boundaries[i]! > boundaries[i - 1]!)) throw new Error(`piecewiseConstant: boundaries must increase, got [${boundaries.join(', ')}]`);
  }
  values.forEach((v, i) => finite('piecewiseConstant', `values[${i}]`, v));
  const bs = [...boundaries];
  const vs = [...values];
  return (step) => {
    for (let i = 0; i < bs.length; i++) if (step <= bs[i]!) return vs[i]!;
    return vs[vs.length - 1]!;
  };
}

/** Options of `cosineDecay`. */
export interface CosineDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  /** The final learning rate as a fraction of the initial one (default 0). */
  alpha?: number;
}

/**
 * Cosine decay from initialLearningRate to alpha · initialLearningRate over decaySteps, then flat
 * (Keras CosineDecay): lr · ((1 - alpha) · 0.5 · (1 + cos(π · min(step, decaySteps) / decaySteps)) + alpha).
 */
export function cosineDecay(options: CosineDecayOptions): LearningRateSchedule {
  const { initialLearningRate, decaySteps, alpha = 0 } = checkOptions('cosineDecay', options, ['initialLearningRate', 'decaySteps', 'alpha']);
  finite('cosineDecay', 'initialLearningRate', initialLearningRate);
  positive('cosineDecay', 'decaySteps', decaySteps);
  finite('cosineDecay', 'alpha', alpha);
  return (step) => {
    const done = Math.min(step, decaySteps) / decaySteps;
    const cosine = 0.5 * (1 + Math.cos(Math.PI * done));
    return initialLearningRate * ((1 - alpha) * cosine + alpha);
  };
}

/** Options of `inverseTimeDecay`. */
export interface InverseTimeDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  staircase?: boolean;
}

/** initialLearningRate / (1 + decayRate · step / decaySteps) (Keras InverseTimeDecay). */
export function inverseTimeDecay(options: InverseTimeDecayOptions): LearningRateSchedule {
  const { initialLearningRate, decaySteps, decayRate, staircase: flag } = checkOptions('inverseTimeDecay', options, ['initialLearningRate', 'decaySteps', 'decayRate', 'staircase']);
  const staircase = checkBoolean('inverseTimeDecay', 'staircase', flag);
  finite('inverseTimeDecay', 'initialLearningRate', initialLearningRate);
  positive('inverseTimeDecay', 'decaySteps', decaySteps);
  finite('inverseTimeDecay', 'decayRate', decayRate);
  return (step) => {
    const p = staircase ? Math.floor(step / decaySteps) : step / decaySteps;
    return initialLearningRate / (1 + decayRate * p);
  };
}

/** The schedules, as `e.optim.schedules`. */
export const schedules = { constant, exponentialDecay, stepDecay, piecewiseConstant, cosineDecay, inverseTimeDecay };

/** Evaluates a learning rate at a step, checking that a schedule returned a usable number. */
export function learningRateAt(lr: LearningRate, step: number, op: string): number {
  const value = typeof lr === 'number' ? lr : lr(step);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${op}: the learning rate at step ${step} is ${describeValue(value)}; a schedule must return a finite number`);
  }
  return value;
}
