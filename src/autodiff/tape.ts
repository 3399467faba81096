import type { Engine } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { fmt, shapesEqual } from '../shape.js';
import { backwardKey } from './backward_key.js';

/**
 * A backward rule: given dy (the gradient of the output), the gradients of each input, or null
 * where an input gets none. Rules are written with ops, so they are themselves differentiable.
 * `needed[k]` is false when input k leads to no source of the gradient: a rule may return null
 * there instead of computing a gradient nobody uses (batch-norm statistics, cross-entropy labels).
 */
export type GradFn = (dy: Tensor, needed: readonly boolean[]) => (Tensor | null)[];

/**
 * @internal The backward function of ops whose output is a constant to the tape (a zero
 * derivative wherever one exists: floor, sign, comparisons; and stop-gradients). Recorded with
 * it, the output never depends on a source, so no rule computes a gradient for it.
 */
export const constantOutput: GradFn = () => [];

interface Entry {
  kind: 'op';
  op: string;
  out: Tensor;
  inputs: readonly Tensor[];
  /** The rule: `backward(dy, needed)`, or `rule(ctx, dy, needed)` (no closure per op). */
  backward: GradFn | null;
  rule?: (ctx: unknown, dy: Tensor, needed: readonly boolean[]) => (Tensor | null)[];
  ctx?: unknown;
}

/** No tensors (what the tape holds between kernel runs). */
const noTensors: readonly Tensor[] = Object.freeze([]);

/**
 * A kernel that ran while the tape recorded. The op that ran it claims its output by recording
 * itself (`record`); an output nobody claims whose inputs depend on a source has lost its
 * gradient, and the backward pass says so when a gradient reaches it instead of returning zeros.
 */
interface KernelRun {
  kind: 'kernel';
  kernel: string;
  inputs: readonly Tensor[];
  /** The outputs no op has claimed. */
  unclaimed: Tensor[];
}

/**
 * Records ops while active (TensorFlow's GradientTape). The entries are appended in execution
 * order, which is already a topological order: `gradient` walks them backwards.
 */
export class GradientTape {
  private events: (Entry | KernelRun)[] = [];
  /**
   * The last kernel run, kept aside until the op that ran it records itself (almost always
   * next): only a run left unclaimed when the next one comes becomes an event.
   */
  private lastKernel: string | null = null;
  private lastInputs: readonly Tensor[] = noTensors;
  private lastOutputs: readonly Tensor[] = noTensors;
  /** The last run's output when it has one (most do): no array per op. Copied when settled. */
  private readonly oneOutput: Tensor[] = [];
  /** Settled kernel runs by their unclaimed outputs. */
  private readonly unclaimedRuns = new Map<Tensor, KernelRun>();
  private recording = true;
  private adopted: Tensor[] = [];
  private used = false;

  /** @internal Use `e.tape()`. */
  constructor(
    private readonly engine: Engine,
    private readonly persistent: boolean,
    private readonly onDispose: () => void,
  ) {}

  /** True while ops are being recorded on this tape. */
  get isRecording(): boolean {
    return this.recording;
  }

  /** Stops recording; `gradient` may still be called. */
  stop(): void {
    this.setRecording(false);
  }

  private setRecording(on: boolean): void {
    if (this.recording === on) return;
    this.recording = on;
    this.engine.tapesChanged();
  }

  /** @internal Records `out = op(inputs)`; `constantOutput` as `backward` makes `out` a constant. */
  record(op: string, out: Tensor, inputs: readonly Tensor[], backward: GradFn): void {
    this.claim(out);
    this.events.push({ kind: 'op', op, out, inputs, backward });
  }

  /** @internal Records `out = op(inputs)` with the op's table rule and saved context. */
  recordRule(op: string, out: Tensor, inputs: readonly Tensor[], rule: NonNullable<Entry['rule']>, ctx: unknown): void {
    this.claim(out);
    this.events.push({ kind: 'op', op, out, inputs, backward: null, rule, ctx });
  }

  /** `out` is an output of an op that records itself: no longer a kernel run's unclaimed output. */
  private claim(out: Tensor): void {
    if (this.lastKernel !== null) {
      const k = this.lastOutputs.indexOf(out);
      if (k >= 0) {
        if (this.lastOutputs === this.oneOutput) {
          // Emptied, so that it keeps no tensor alive.
          this.oneOutput.pop();
          this.lastOutputs = noTensors;
        } else this.lastOutputs = this.lastOutputs.length === 1 ? noTensors : this.lastOutputs.filter((t) => t !== out);
        if (this.lastOutputs.length === 0) this.lastKernel = null;
        return;
      }
    }
    const run = this.unclaimedRuns.get(out);
    if (run) {
      run.unclaimed = run.unclaimed.filter((t) => t !== out);
      this.unclaimedRuns.delete(out);
    }
  }

  /** Makes the last kernel run, if any of its outputs is unclaimed, an event. */
  private settleLastKernel(): void {
    if (this.lastKernel === null) return;
    const run: KernelRun = { kind: 'kernel', kernel: this.lastKernel, inputs: this.lastInputs, unclaimed: [...this.lastOutputs] };
    for (const t of run.unclaimed) this.unclaimedRuns.set(t, run);
    this.events.push(run);
    this.lastKernel = null;
  }

  /**
   * @internal Notes a kernel run (Engine.runKernel); the op that ran it claims it by `record`.
   * `outputs` is not kept: the engine reuses its array.
   */
  noteKernel(kernel: string, inputs: readonly Tensor[], outputs: readonly Tensor[]): void {
    // Kernels without inputs make constants (fill, random): nothing to lose.
    if (inputs.length === 0) return;
    this.settleLastKernel();
    this.lastKernel = kernel;
    this.lastInputs = inputs;
    if (outputs.length === 1) {
      this.oneOutput[0] = outputs[0]!;
      this.lastOutputs = this.oneOutput;
    } else this.lastOutputs = outputs.slice();
  }

  /** @internal Keeps a tensor that a tidy scope would have disposed but this tape still needs. */
  adopt(t: Tensor): void {
    this.adopted.push(t);
  }

  /**
   * Gradients of `target` with respect to each source (zeros for sources it does not depend on).
   * `seed` is dy for the target; it is required when the target is not a scalar.
   */
  gradient(target: Tensor, sources: readonly Tensor[], seed?: Tensor): Tensor[] {
    if (this.used && !this.persistent) {
      throw new Error('gradient: a non-persistent tape can compute gradients only once (use e.tape({ persistent: true }))');
    }
    this.used = true;
    target.assertAlive('gradient');
    if (seed) {
      seed.assertAlive('gradient');
      if (!shapesEqual(seed.shape, target.shape)) {
        throw new Error(`gradient: seed shape ${fmt(seed.shape)} differs from the target shape ${fmt(target.shape)}`);
      }
    } else if (target.size !== 1) {
      throw new Error(
        `gradient: the target has shape ${fmt(target.shape)}; reduce it to a scalar or pass a seed (dy) of that shape`,
      );
    }
    const wasRecording = this.recording;
    this.setRecording(false);
    this.settleLastKernel();
    try {
      const run = (): Tensor[] => this.engine.tidy(() => this.backward(target, sources, seed));
      const e = this.engine;
      if (!e.replaysBackward || !e.backwardReplays.takesKeys()) return run();
      const key = backwardKey(e, this.events, target, sources, seed, constantOutput, e.backwardReplays.expected);
      return key ? e.backwardReplays.gradients(key, run) : run();
    } finally {
      this.setRecording(wasRecording);
    }
  }

  private backward(target: Tensor, sources: readonly Tensor[], seed: Tensor | undefined): Tensor[] {
    const e = this.engine;
    // Forward sweep: which tensors depend on a source. Only those entries need backward work.
    // Outputs of kernels that no op claimed depend on a source too (their gradient was lost):
    // `lost` names the kernel, for the error raised if a gradient reaches one of them.
    const dependsOnSource = new Set<number>(sources.map((s) => s.id));
    const lost = new Map<number, string>();
    const entries: Entry[] = [];
    const relevant: boolean[] = [];
    // Plain loops here and below: an eager step of the force loss walks about 7,000 entries.
    const anyDepends = (inputs: readonly Tensor[]): boolean => {
      for (let k = 0; k < inputs.length; k++) if (dependsOnSource.has(inputs[k]!.id)) return true;
      return false;
    };
    for (const event of this.events) {
      if (event.kind === 'kernel') {
        if (event.unclaimed.length > 0 && anyDepends(event.inputs)) {
          for (const t of event.unclaimed) {
            if (dependsOnSource.has(t.id)) continue;
            dependsOnSource.add(t.id);
            lost.set(t.id, event.kernel);
          }
        }
        continue;
      }
      const hit = event.backward !== constantOutput && anyDepends(event.inputs);
      if (hit) dependsOnSource.add(event.out.id);
      entries.push(event);
      relevant.push(hit);
    }
    const assertNotLost = (t: Tensor): void => {
      const kernel = lost.get(t.id);
      if (kernel !== undefined) {
        throw new Error(
          `gradient: kernel '${kernel}' made ${t} from tensors that depend on a source, but no op recorded its backward rule, ` +
            'so its gradient would be lost (an op must record itself: src/ops/gradients.ts lists every rule)',
        );
      }
    };
    assertNotLost(target);
    const grads = new Map<number, Tensor>();
    // A view of the engine's cached 1 (the target has one element): no kernel runs for the seed.
    grads.set(target.id, seed ?? e.constant(1).reshape(target.shape));
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i]!;
      const dy = grads.get(entry.out.id);
      if (!relevant[i] || !dy) continue;
      const inputs = entry.inputs;
      const needed = new Array<boolean>(inputs.length);
      for (let k = 0; k < inputs.length; k++) {
        const t = inputs[k]!;
        needed[k] = dependsOnSource.has(t.id);
        if (needed[k] && t.isDisposed) {
          throw new Error(`gradient: an input of '${entry.op}' (${t}) was disposed before the gradient was computed`);
        }
      }
      const inputGrads = entry.backward ? entry.backward(dy, needed) : entry.rule!(entry.ctx, dy, needed);
      for (let k = 0; k < inputs.length; k++) {
        const input = inputs[k]!;
        const g = inputGrads[k];
        if (!g || !needed[k]) continue;
        assertNotLost(input);
        if (!shapesEqual(g.shape, input.shape)) {
          throw new Error(
            `gradient: the backward rule of '${entry.op}' returned shape ${fmt(g.shape)} for an input of shape ${fmt(input.shape)}`,
          );
        }
        const prev = grads.get(input.id);
        grads.set(input.id, prev ? prev.add(g) : g);
      }
    }
    return sources.map((s) => {
      const g = grads.get(s.id);
      if (!g) return e.zeros(s.shape);
      // A source that is also the target (or seen twice) must come back as its own tensor.
      return g === seed || g === target ? g.add(0) : g;
    });
  }

  /** Frees what the tape kept alive for its gradient. */
  dispose(): void {
    this.setRecording(false);
    for (const t of this.adopted) t.dispose();
    this.adopted = [];
    this.events = [];
    this.lastKernel = null;
    this.lastInputs = noTensors;
    this.lastOutputs = noTensors;
    this.oneOutput.length = 0;
    this.unclaimedRuns.clear();
    this.onDispose();
  }
}
