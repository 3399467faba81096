/**
 * The optimizer every `e.optim.*` factory returns. A step: gradients are copied into the gradient
 * arena (buffer copies), optional clipping by norm runs (two small dispatches), ONE dispatch updates
 * every variable and slot of the arena, constraints follow, and the step ends with a submit so that
 * buffers freed during it return to the pool. Hyper-parameters that change per step are computed
 * on the CPU from the step count and travel as kernel parameters: nothing is read back.
 */
import type { Engine } from '../engine.js';
import { Tensor, Variable } from '../tensor.js';
import { fmt, shapesEqual } from '../shape.js';
import type { OptimUpdateKernelId, OptimKernels } from '../kernel_ids/optim.js';
import { ParamGroup } from './arena.js';
import { clipConfig, runNormClipping, type ClipConfig } from './clipping.js';
import { constraintMap, unitNormEpsilon, type BoxConstraint, type Constraint } from './constraints.js';
import type { LossRecorder } from './recorder.js';
import { checkNumber, commonOptionKeys, type OptimizerOptions, type UpdateRule } from './rule.js';
import { checkFunction, checkOptions } from '../ops/validate.js';
import { describeValue } from '../values.js';
import { learningRateAt, type LearningRate } from './schedules.js';
import { lossAndGrads } from './loss_and_grads.js';
import { checkSlotSizes, checkState, readGroupState, writeSlots, type OptimizerState, type VariableSlots } from './state.js';

/** What `compileStep` returns: call it for one step; `dispose()` frees the capture. */
export interface CompiledStep {
  (): Tensor;
  dispose(): void;
  /** Compute dispatches one step replays (host-encoded ones, like the update, not counted). */
  readonly dispatchesPerStep: number;
}

/** A gradient and the variable it updates (Keras's `grads_and_vars`). */
export type GradAndVar = readonly [Tensor, Variable];

/**
 * Gradient-descent optimizer with TF 2.x Keras semantics. Variables it updates are moved into its
 * parameter arena the first time it sees them (their values are kept). Tensors that view such a
 * variable (`v.reshape(...)`) share its memory and see later updates, as views of parameters do in
 * PyTorch.
 */
export class Optimizer {
  private readonly learningRateOption: LearningRate;
  private readonly decay: number;
  private readonly clip: ClipConfig;
  private readonly constraintsByVar: Map<Variable, Constraint>;
  /** Groups by the ids of their variables, in order. */
  private readonly groups = new Map<string, ParamGroup>();
  /** The group whose slots hold each variable's state. */
  private readonly homes = new Map<Variable, ParamGroup>();
  /** State from setState for variables not placed in an arena yet, by variable name. */
  private pending = new Map<string, VariableSlots>();
  private recorder: LossRecorder | null = null;
  private steps = 0;
  private disposed = false;

  /** @internal Use `e.optim.adam(...)` and the other factories. */
  constructor(
    readonly engine: Engine,
    private readonly rule: UpdateRule,
    options: OptimizerOptions,
  ) {
    const op = rule.name;
    checkOptions(op, options, [...commonOptionKeys, ...rule.optionKeys] as (keyof OptimizerOptions)[]);
    this.learningRateOption = options.learningRate ?? rule.defaultLearningRate;
    if (typeof this.learningRateOption === 'number') checkNumber(op, 'learningRate', this.learningRateOption);
    else if (typeof this.learningRateOption !== 'function') {
      throw new Error(`${op}: learningRate must be a number or a schedule function, got ${describeValue(this.learningRateOption)}`);
    }
    this.decay = rule.appliesDecay ? checkNumber(op, 'decay', options.decay ?? 0, 0) : 0;
    this.clip = clipConfig(op, options);
    this.constraintsByVar = constraintMap(options.constraints, op);
  }

  /** The optimizer's name ('adam', 'rmsprop', ...). */
  get name(): string {
    return this.rule.name;
  }

  /** Updates applied so far (Keras `optimizer.iterations`). */
  get iterations(): number {
    return this.steps;
  }

  /** Names of the state slots per variable, in kernel order (Keras slot names). */
  get slotNames(): string[] {
    return this.rule.slots.map((s) => s.name);
  }

  /** The learning rate the next step uses (schedule and legacy decay applied). */
  get learningRate(): number {
    return this.learningRateAt(this.steps);
  }

  /**
   * One step that lowers `lossFn()`: computes the loss and its gradients with respect to `vars`,
   * then applies them. Returns the loss tensor (no readback); dispose it, or call inside `e.tidy`.
   */
  minimize(lossFn: () => Tensor, vars: readonly Variable[]): Tensor {
    return this.descend('minimize', lossFn, vars, 1);
  }

  /** One step of gradient ascent on `objectiveFn()`; returns its value (no readback). */
  maximize(objectiveFn: () => Tensor, vars: readonly Variable[]): Tensor {
    return this.descend('maximize', objectiveFn, vars, -1);
  }

  /**
   * Applies gradients, as Keras's `apply_gradients`: `applyGradients(grads, vars)` or
   * `applyGradients([[grad, var], ...])`. The gradients are not disposed.
   */
  applyGradients(grads: readonly Tensor[], vars: readonly Variable[]): void;
  applyGradients(gradsAndVars: readonly GradAndVar[]): void;
  applyGradients(a: readonly Tensor[] | readonly GradAndVar[], b?: readonly Variable[]): void {
    const op = 'applyGradients';
    let grads: readonly Tensor[];
    let vars: readonly Variable[];
    if (b === undefined) {
      if (!Array.isArray(a) || !a.every((p) => Array.isArray(p) && p.length === 2)) {
        throw new Error(`${op}: expected (grads, vars) or a list of [grad, variable] pairs`);
      }
      grads = (a as readonly GradAndVar[]).map((p) => p[0]);
      vars = (a as readonly GradAndVar[]).map((p) => p[1]);
    } else {
      grads = a as readonly Tensor[];
      vars = b;
    }
    this.step(op, grads, vars);
  }

  /**
   * A captured training step (`e.compile`): the first call runs `minimize` (or `maximize`) while the
   * GPU commands are recorded; later calls replay them, with this optimizer's step count, learning
   * rate schedule and loss recorder advancing as in eager steps. Each call returns the loss (no
   * readback) and ends with one submit. `lossFn` is traced once: it must build the same graph on
   * every call (inputs that change belong in variables, or use `e.compile` directly with arguments).
   */
  compileStep(lossFn: () => Tensor, vars: readonly Variable[], options: { maximize?: boolean } = {}): CompiledStep {
    this.assertAlive('compileStep');
    this.checkVariables('compileStep', vars);
    // Variables move into the arena now, not while tracing: the arena must outlive the capture.
    this.groupFor(vars);
    const op = options.maximize ? 'maximize' : 'minimize';
    const sign = options.maximize ? -1 : 1;
    const compiled = this.engine.compile(() => this.descend(op, lossFn, vars, sign));
    const step = (): Tensor => {
      this.assertAlive(op);
      const loss = compiled();
      this.engine.backend.submit();
      return loss;
    };
    Object.defineProperties(step, {
      dispose: { value: () => compiled.dispose() },
      dispatchesPerStep: { get: () => compiled.dispatchesPerCall },
    });
    return step as CompiledStep;
  }

  /**
   * Records the loss of every later `minimize`/`maximize` into `recorder` (on the device), or stops
   * recording with null. Returns this optimizer.
   */
  recordLoss(recorder: LossRecorder | null): this {
    this.recorder = recorder;
    return this;
  }

  /**
   * The step count and every slot of every variable this optimizer has state for, keyed by
   * variable name (one readback per arena).
   */
  async getState(): Promise<OptimizerState> {
    this.assertAlive('getState');
    const slots: Record<string, VariableSlots> = {};
    for (const [name, values] of this.pending) slots[name] = values;
    const seen = new Set<string>();
    for (const group of new Set(this.homes.values())) {
      const homed = group.vars.filter((v) => this.homes.get(v) === group && !v.isDisposed);
      for (const v of homed) {
        if (seen.has(v.name)) throw new Error(`getState: two variables are named '${v.name}'; state is keyed by name`);
        seen.add(v.name);
      }
      Object.assign(slots, await readGroupState(this.engine, group, homed, this.slotNames));
    }
    return { iterations: this.steps, slots };
  }

  /**
   * Restores a state from `getState` (of this optimizer or another of the same kind and options).
   * Variables are matched by name; those not in an arena yet receive their slots when they first
   * are. Variables the state does not name keep their slots.
   */
  setState(state: OptimizerState): void {
    this.assertAlive('setState');
    checkState(state, this.rule.name, this.slotNames);
    const remaining = new Map(Object.entries(state.slots));
    const placed = [...this.homes].filter(([v, group]) => remaining.has(v.name) && group.indexOf(v) >= 0);
    for (const [v] of placed) checkSlotSizes(v, remaining.get(v.name)!);
    this.steps = state.iterations;
    // Uploads are queued ahead of recorded work; submit first so that earlier steps land before.
    if (placed.length > 0) this.engine.backend.submit();
    for (const [v, group] of placed) {
      writeSlots(this.engine, group, group.indexOf(v), remaining.get(v.name)!, this.slotNames);
      remaining.delete(v.name);
    }
    this.pending = remaining;
  }

  /** Frees the optimizer's gradient and slot arenas (variables keep their values). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const group of this.groups.values()) group.dispose();
    this.groups.clear();
    this.homes.clear();
  }

  // ---- internals -----------------------------------------------------------------------------

  private learningRateAt(step: number): number {
    const lr = learningRateAt(this.learningRateOption, step, this.rule.name);
    return this.decay > 0 ? lr / (1 + this.decay * step) : lr;
  }

  private descend(op: string, f: () => Tensor, vars: readonly Variable[], sign: 1 | -1): Tensor {
    this.assertAlive(op);
    checkFunction(`${this.rule.name}.${op}`, 'the loss function', f);
    this.checkVariables(op, vars);
    const { value, grads } = lossAndGrads(this.engine, op, f, vars, sign);
    try {
      this.recorder?.record(value);
      this.step(op, grads, vars);
    } catch (err) {
      value.dispose();
      throw err;
    } finally {
      for (const g of grads) g.dispose();
    }
    return value;
  }

  private step(op: string, grads: readonly Tensor[], vars: readonly Variable[]): void {
    this.assertAlive(op);
    const e = this.engine;
    this.checkVariables(op, vars);
    if (grads.length !== vars.length) throw new Error(`${op}: ${grads.length} gradients for ${vars.length} variables`);
    grads.forEach((g, i) => {
      const v = vars[i]!;
      if (!(g instanceof Tensor)) throw new Error(`${op}: the gradient of variable '${v.name}' is not a tensor`);
      e.checkInputs(op, [g]);
      if (!shapesEqual(g.shape, v.shape)) {
        throw new Error(`${op}: the gradient of variable '${v.name}' has shape ${fmt(g.shape)}, the variable ${fmt(v.shape)}`);
      }
    });
    const group = this.groupFor(vars);
    group.loadGradients(grads);
    runNormClipping(e, group, this.clip);
    const kernel: OptimUpdateKernelId = this.rule.kernel;
    const inputs = [group.grads.buffer, group.table.buffer, group.scale.buffer];
    const outputs = [group.params.buffer, group.slots.buffer];
    // The step count and what it decides (learning rate, bias corrections) change every step: a
    // captured step (compileStep) runs this again on every replay.
    e.replayable(() => {
      const step = this.steps;
      const params = {
        n: group.n,
        nvars: vars.length,
        clipValue: this.clip.clipValue,
        ...this.rule.params({ t: step + 1, lr: this.learningRateAt(step) }),
      } as OptimKernels[typeof kernel];
      e.backend.run(kernel, inputs, outputs, params);
      this.steps++;
    }, [...inputs, ...outputs]);
    this.applyConstraints(vars);
    e.backend.submit();
  }

  /** unitNormRows dispatches and user constraints; box constraints ran inside the update. */
  private applyConstraints(vars: readonly Variable[]): void {
    const e = this.engine;
    for (const v of vars) {
      const c = this.constraintsByVar.get(v);
      if (!c || v.size === 0) continue;
      if (typeof c === 'function') {
        e.tidy(() => {
          const out = c(v);
          if (!(out instanceof Tensor)) throw new Error(`constraint of variable '${v.name}': the function must return a tensor`);
          // A view of v (or v itself) already holds the values.
          if (out.storage !== v.storage) v.assign(out);
        });
      } else if (c.kind === 'unitNormRows') {
        const cols = v.rank === 0 ? 1 : v.shape[v.rank - 1]!;
        const rows = cols === 0 ? 0 : v.size / cols;
        e.backend.run('unit_norm_rows', [], [v.storage.buffer], { rows, cols, factor: c.factor, epsilon: unitNormEpsilon });
      }
    }
  }

  /**
   * The group holding `vars` in this order. A new list gets a new arena: variables already in one of
   * this optimizer's arenas bring their slots along, the others start from the slot initial values
   * (or from setState), and groups left without variables are freed.
   */
  private groupFor(vars: readonly Variable[]): ParamGroup {
    const key = vars.map((v) => v.id).join(',');
    const existing = this.groups.get(key);
    if (existing?.isIntact && vars.every((v) => this.homes.get(v) === existing)) return existing;

    const e = this.engine;
    const boxes = vars.map((v) => {
      const c = this.constraintsByVar.get(v);
      return c && typeof c !== 'function' && c.kind === 'box' ? (c as BoxConstraint) : undefined;
    });
    const slotSpecs = this.rule.slots;
    const group = new ParamGroup(
      e,
      vars,
      slotSpecs.length,
      slotSpecs.map((s) => s.init),
      boxes,
      this.clip.norm !== null,
    );
    vars.forEach((v, i) => {
      const previous = this.homes.get(v);
      const at = previous?.indexOf(v) ?? -1;
      if (previous && at >= 0) {
        for (let j = 0; j < slotSpecs.length; j++) e.backend.copyBuffer(previous.slotView(j, at), group.slotView(j, i), v.size);
      } else if (this.pending.has(v.name)) {
        writeSlots(e, group, i, this.pending.get(v.name)!, this.slotNames);
        this.pending.delete(v.name);
      }
      this.homes.set(v, group);
    });
    this.groups.set(key, group);
    // Free the groups no variable calls home anymore (after the slot copies above are recorded).
    const live = new Set(this.homes.values());
    if (existing && !live.has(existing)) existing.dispose();
    for (const [k, g] of this.groups) {
      if (!live.has(g)) {
        g.dispose();
        this.groups.delete(k);
      }
    }
    return group;
  }

  private checkVariables(op: string, vars: readonly Variable[]): void {
    if (!Array.isArray(vars) || vars.length === 0) throw new Error(`${op}: expected a non-empty list of variables, got ${describeValue(vars)}`);
    const seen = new Set<Variable>();
    for (const v of vars) {
      if (!(v instanceof Variable)) throw new Error(`${op}: ${String(v)} is not a variable (make trainable tensors with e.variable)`);
      v.assertAlive(op);
      if (v.engine !== this.engine) throw new Error(`${op}: variable '${v.name}' belongs to another engine`);
      if (v.dtype !== 'float32') throw new Error(`${op}: variable '${v.name}' has dtype ${v.dtype}; only float32 variables can be optimized`);
      if (seen.has(v)) throw new Error(`${op}: variable '${v.name}' appears twice`);
      seen.add(v);
    }
  }

  private assertAlive(op: string): void {
    if (this.disposed) throw new Error(`${this.rule.name}.${op}: the optimizer was disposed`);
  }
}
