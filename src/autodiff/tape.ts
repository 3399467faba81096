import type { Engine } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { fmt, shapesEqual } from '../shape.js';

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
  backward: GradFn;
}

/**
 * A kernel that ran while the tape recorded. The op that ran it claims its output by recording
 * itself (`record`); an output nobody claims whose inputs depend on a source has lost its
 * gradient, and the backward pass says so when a gradient reaches it instead of returning zeros.
 */
interface KernelRun {
  kind: 'kernel';
  kernel: string;
  inputs: readonly number[];
  /** Ids of the outputs no op has claimed yet. */
  unclaimed: Set<number>;
}

/**
 * Records ops while active (TensorFlow's GradientTape). The entries are appended in execution
 * order, which is already a topological order: `gradient` walks them backwards.
 */
export class GradientTape {
  private events: (Entry | KernelRun)[] = [];
  /** Kernel runs by the ids of their unclaimed outputs. */
  private runsByOutput = new Map<number, KernelRun>();
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
    this.recording = false;
  }

  /** @internal Records `out = op(inputs)`; `constantOutput` as `backward` makes `out` a constant. */
  record(op: string, out: Tensor, inputs: readonly Tensor[], backward: GradFn): void {
    const run = this.runsByOutput.get(out.id);
    if (run) {
      run.unclaimed.delete(out.id);
      this.runsByOutput.delete(out.id);
    }
    this.events.push({ kind: 'op', op, out, inputs, backward });
  }

  /** @internal Notes a kernel run (Engine.runKernel); the op that ran it claims it by `record`. */
  noteKernel(kernel: string, inputs: readonly Tensor[], outputs: readonly Tensor[]): void {
    // Kernels without inputs make constants (fill, random): nothing to lose.
    if (inputs.length === 0) return;
    const run: KernelRun = { kind: 'kernel', kernel, inputs: inputs.map((t) => t.id), unclaimed: new Set(outputs.map((t) => t.id)) };
    for (const t of outputs) this.runsByOutput.set(t.id, run);
    this.events.push(run);
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
    this.recording = false;
    try {
      return this.engine.tidy(() => this.backward(target, sources, seed));
    } finally {
      this.recording = wasRecording;
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
    for (const event of this.events) {
      if (event.kind === 'kernel') {
        if (event.unclaimed.size > 0 && event.inputs.some((id) => dependsOnSource.has(id))) {
          for (const id of event.unclaimed) {
            if (dependsOnSource.has(id)) continue;
            dependsOnSource.add(id);
            lost.set(id, event.kernel);
          }
        }
        continue;
      }
      const hit = event.backward !== constantOutput && event.inputs.some((t) => dependsOnSource.has(t.id));
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
      for (const t of entry.inputs) {
        if (t.isDisposed && dependsOnSource.has(t.id)) {
          throw new Error(`gradient: an input of '${entry.op}' (${t}) was disposed before the gradient was computed`);
        }
      }
      const inputGrads = entry.backward(dy, entry.inputs.map((t) => dependsOnSource.has(t.id)));
      entry.inputs.forEach((input, k) => {
        const g = inputGrads[k];
        if (!g || !dependsOnSource.has(input.id)) return;
        assertNotLost(input);
        if (!shapesEqual(g.shape, input.shape)) {
          throw new Error(
            `gradient: the backward rule of '${entry.op}' returned shape ${fmt(g.shape)} for an input of shape ${fmt(input.shape)}`,
          );
        }
        const prev = grads.get(input.id);
        grads.set(input.id, prev ? prev.add(g) : g);
      });
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
    this.recording = false;
    for (const t of this.adopted) t.dispose();
    this.adopted = [];
    this.events = [];
    this.runsByOutput.clear();
    this.onDispose();
  }
}
