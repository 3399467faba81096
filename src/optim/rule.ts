/**
 * What distinguishes one optimizer from another on the host side: its kernel, its slots and how the
 * step's hyper-parameters are computed from the step count. Each optimizer's file (sgd.ts, adam.ts,
 * ...) builds one `UpdateRule` from its options; `Optimizer` does the rest.
 */
import type { ArenaParams, OptimKernels, OptimUpdateKernelId } from '../kernel_ids/optim.js';
import type { LearningRate } from './schedules.js';
import type { ConstraintsOption } from './constraints.js';
import { describeValue } from '../values.js';

/** A slot: Keras's name for it and the value it starts at. */
export interface SlotSpec {
  name: string;
  init: number;
}

/** The step being taken. */
export interface StepInfo {
  /** 1 for the first update (Keras's local_step = iterations + 1). */
  t: number;
  /** The learning rate for this step (schedule evaluated at t - 1, legacy decay applied). */
  lr: number;
}

/** The hyper-parameters of an update kernel, without the arena fields the optimizer fills in. */
export type RuleParams<K extends OptimUpdateKernelId> = Omit<OptimKernels[K], keyof ArenaParams>;

/** One optimizer's update, as the generic `Optimizer` runs it. */
export interface UpdateRule<K extends OptimUpdateKernelId = OptimUpdateKernelId> {
  /** For error messages, e.g. 'adam'. */
  readonly name: string;
  readonly kernel: K;
  readonly slots: readonly SlotSpec[];
  readonly defaultLearningRate: number;
  /** False where Keras ignores the legacy `decay` option (Nadam uses it as its schedule decay). */
  readonly appliesDecay: boolean;
  /** The options this optimizer takes besides `commonOptionKeys` (others are refused as misspelt). */
  readonly optionKeys: readonly string[];
  params(step: StepInfo): RuleParams<K>;
}

/** Options every optimizer accepts (camelCase Keras names). */
export interface OptimizerOptions {
  /** A number or a schedule of the step (see `schedules`). Each optimizer has its Keras default. */
  learningRate?: LearningRate;
  /** Clip each gradient element to [-clipValue, clipValue] (tf.clip_by_value). */
  clipValue?: number;
  /** Clip each gradient tensor to this L2 norm (tf.clip_by_norm). */
  clipNorm?: number;
  /** Clip all gradients together to this global L2 norm (tf.clip_by_global_norm). */
  globalClipNorm?: number;
  /** Per-variable projections after each update (nonNeg, clipTo, unitNormRows, or a function). */
  constraints?: ConstraintsOption;
  /** Legacy Keras time-inverse decay: lr / (1 + decay · iterations). Default 0. */
  decay?: number;
}

/** The keys of `OptimizerOptions`, which every optimizer takes. */
export const commonOptionKeys = ['learningRate', 'clipValue', 'clipNorm', 'globalClipNorm', 'constraints', 'decay'] as const;

/** Checks a hyper-parameter: a finite number, optionally within a range. */
export function checkNumber(op: string, name: string, value: number, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = min === -Infinity && max === Infinity ? 'a finite number' : `a number in [${min}, ${max}]`;
    throw new Error(`${op}: ${name} must be ${range}, got ${describeValue(value)}`);
  }
  return value;
}
