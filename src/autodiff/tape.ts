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

interface Entry {
  op: string;
  out: Tensor;
  inputs: readonly Tensor[];
  backward: GradFn;
}

/**
 * Records ops while active (TensorFlow's GradientTape). The entries are appended in execution
 * order, which is already a topological order: `gradient` walks them backwards.
 */
export class GradientTape {
  private entries: Entry[] = [];
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

  /** @internal */
  record(op: string, out: Tensor, inputs: readonly Tensor[], backward: GradFn): void {
    this.entries.push({ op, out, inputs, backward });
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
    const dependsOnSource = new Set<number>(sources.map((s) => s.id));
    const relevant = this.entries.map((entry) => {
      const hit = entry.inputs.some((t) => dependsOnSource.has(t.id));
      if (hit) dependsOnSource.add(entry.out.id);
      return hit;
    });
    const grads = new Map<number, Tensor>();
    // A view of the engine's cached 1 (the target has one element): no kernel runs for the seed.
    grads.set(target.id, seed ?? e.constant(1).reshape(target.shape));
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const entry = this.entries[i]!;
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
    this.entries = [];
    this.onDispose();
  }
}
