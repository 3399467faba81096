/**
 * Optimizers that run entirely on the device, with TF 2.x Keras formulas and defaults:
 *
 * ```ts
 * const opt = e.optim.adam({ learningRate: 0.1 });
 * for (let i = 0; i < 1000; i++) opt.minimize(() => loss(), [slope, intercept]).dispose();
 * ```
 *
 * Installs `e.optim` on every engine: the optimizer factories, `schedules`, `constraints` and
 * `lossRecorder`.
 */
import { Engine } from '../engine.js';
import { Optimizer } from './optimizer.js';
import { LossRecorder } from './recorder.js';
import { schedules } from './schedules.js';
import { constraints } from './constraints.js';
import { sgdRule, type SgdOptions } from './sgd.js';
import { rmspropRule, type RmspropOptions } from './rmsprop.js';
import { adamRule, adamwRule, type AdamOptions, type AdamwOptions } from './adam.js';
import { adamaxRule, type AdamaxOptions } from './adamax.js';
import { nadamRule, type NadamOptions } from './nadam.js';
import { adagradRule, type AdagradOptions } from './adagrad.js';
import { adadeltaRule, type AdadeltaOptions } from './adadelta.js';
import { lionRule, type LionOptions } from './lion.js';

export { Optimizer, type CompiledStep, type GradAndVar } from './optimizer.js';
export { LossRecorder, type RecorderReadOptions } from './recorder.js';
export type { OptimizerOptions } from './rule.js';
export type { OptimizerState, VariableSlots } from './state.js';
export type { SgdOptions } from './sgd.js';
export type { RmspropOptions } from './rmsprop.js';
export type { AdamOptions, AdamwOptions } from './adam.js';
export type { AdamaxOptions } from './adamax.js';
export type { NadamOptions } from './nadam.js';
export type { AdagradOptions } from './adagrad.js';
export type { AdadeltaOptions } from './adadelta.js';
export type { LionOptions } from './lion.js';
export {
  schedules,
  constant,
  exponentialDecay,
  stepDecay,
  piecewiseConstant,
  cosineDecay,
  inverseTimeDecay,
  type LearningRate,
  type LearningRateSchedule,
  type ExponentialDecayOptions,
  type StepDecayOptions,
  type CosineDecayOptions,
  type InverseTimeDecayOptions,
} from './schedules.js';
export {
  constraints,
  nonNeg,
  clipTo,
  unitNormRows,
  type Constraint,
  type ConstraintFn,
  type ConstraintsOption,
  type BoxConstraint,
  type UnitNormRowsConstraint,
} from './constraints.js';

/** `e.optim`: optimizers of one engine, with Keras's names and defaults. */
export interface OptimNamespace {
  /** SGD with optional (Nesterov) momentum; lr 0.01. */
  sgd(options?: SgdOptions): Optimizer;
  /** RMSprop; lr 0.001, rho 0.9, momentum 0, epsilon 1e-7 (inside the square root), centered false. */
  rmsprop(options?: RmspropOptions): Optimizer;
  /** Adam; lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7, amsgrad false. */
  adam(options?: AdamOptions): Optimizer;
  /** AdamW (decoupled weight decay); Adam's defaults and weightDecay 0.004. */
  adamw(options?: AdamwOptions): Optimizer;
  /** Adamax; lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7. */
  adamax(options?: AdamaxOptions): Optimizer;
  /** Nadam (TF 2.1 momentum schedule); lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7. */
  nadam(options?: NadamOptions): Optimizer;
  /** Adagrad; lr 0.001, initialAccumulatorValue 0.1, epsilon 1e-7. */
  adagrad(options?: AdagradOptions): Optimizer;
  /** Adadelta; lr 0.001, rho 0.95, epsilon 1e-7. */
  adadelta(options?: AdadeltaOptions): Optimizer;
  /** Lion; lr 1e-4, beta1 0.9, beta2 0.99. */
  lion(options?: LionOptions): Optimizer;
  /** Learning-rate schedules (functions of the step). */
  readonly schedules: typeof schedules;
  /** Built-in constraints: nonNeg(), clipTo(a, b), unitNormRows(factor). */
  readonly constraints: typeof constraints;
  /** A device-side loss history of `capacity` entries (see `Optimizer.recordLoss`). */
  lossRecorder(capacity: number): LossRecorder;
}

declare module '../engine.js' {
  interface Engine {
    /** Optimizers, learning-rate schedules, constraints and the loss recorder (src/optim). */
    readonly optim: OptimNamespace;
  }
}

function makeNamespace(e: Engine): OptimNamespace {
  return {
    sgd: (o = {}) => new Optimizer(e, sgdRule(o), o),
    rmsprop: (o = {}) => new Optimizer(e, rmspropRule(o), o),
    adam: (o = {}) => new Optimizer(e, adamRule(o), o),
    adamw: (o = {}) => new Optimizer(e, adamwRule(o), o),
    adamax: (o = {}) => new Optimizer(e, adamaxRule(o), o),
    nadam: (o = {}) => new Optimizer(e, nadamRule(o), o),
    adagrad: (o = {}) => new Optimizer(e, adagradRule(o), o),
    adadelta: (o = {}) => new Optimizer(e, adadeltaRule(o), o),
    lion: (o = {}) => new Optimizer(e, lionRule(o), o),
    schedules,
    constraints,
    lossRecorder: (capacity) => new LossRecorder(e, capacity),
  };
}

const namespaces = new WeakMap<Engine, OptimNamespace>();

Object.defineProperty(Engine.prototype, 'optim', {
  get(this: Engine): OptimNamespace {
    let ns = namespaces.get(this);
    if (!ns) {
      ns = makeNamespace(this);
      namespaces.set(this, ns);
    }
    return ns;
  },
  configurable: true,
});
