/**
 * The NaN/Inf tracer (`createEngine({ debug: { nans: true } })`, `e.debugNans(true)`), as JAX's
 * debug_nans and PyTorch's detect_anomaly give: the first op, forward or backward, whose output
 * holds a NaN or an infinity that its inputs did not is reported by name, shapes and the user's
 * stack, at the next read or flush.
 *
 * How: after every kernel an op runs (Engine.noteKernel), the tracer dispatches a tiny kernel
 * (debug_nonfinite, shaders/debug/nonfinite.wgsl) that sets the op's slot in a flags buffer on the
 * device when its output holds a non-finite value; inputs that no checked op made since the last
 * read (uploads, variables, which optimizers write in place, results of compiled steps) are
 * checked too, once per tensor (variables at every use). Each slot remembers the op, its shapes,
 * the user's stack and, for ops a backward rule runs, the forward op. A read or flush closes the
 * window of slots, reads its flags once, and throws for the first slot in op order whose flag is
 * set while its inputs' are not. Ops run while a step is traced (`e.compile`) get slots in a flags
 * buffer of that step, set again by every replay, and read at every read or flush afterwards.
 *
 * With the tracer off nothing of this runs: the engine tests one field per kernel and per
 * recorded op. With it on, every op costs a check dispatch and a stack; reads cost a readback
 * per flags buffer.
 */
import type { Engine } from '../engine.js';
import type { GradFn } from '../autodiff/tape.js';
import type { Storage, Tensor } from '../tensor.js';
import { fmt, type Shape } from '../shape.js';
import { chunkRanges, chunkSource } from '../ops/chunks.js';
import { userStack } from './stacks.js';

/** Slots per flags buffer; a window takes more buffers as it grows. */
const slotsPerBuffer = 4096;
/** Buffers one window may take: past them an op is refused until something reads or flushes. */
const maxBuffersPerWindow = 64;
/** Windows of traced steps kept (read at every read or flush); older ones are dropped. */
const maxTraceWindows = 16;

/** What one slot of the flags stands for: an op's output, or an input no checked op made. */
interface Slot {
  /** Order of creation (over every window), for the report's "first". */
  seq: number;
  kind: 'output' | 'input';
  /** The public op (Engine.opName) and the kernel that ran. */
  op: string;
  kernel: string;
  inputShapes: Shape[];
  outputShape: Shape;
  /** Slots of the op's inputs (-1: empty, never flagged). Only for outputs. */
  inputs: number[];
  /** For inputs: which input of which op, and what the tensor was. */
  inputIndex?: number;
  described?: string;
  stack: string;
  /** Set for ops a backward rule ran: the forward op and where it was called. */
  backwardOf?: { op: string; stack: string };
  /** Set for ops of a traced step. */
  traced: boolean;
}

/** Slots and their flags buffers, from one read or flush to the next (or of one traced step). */
class Window {
  readonly slots: Slot[] = [];
  readonly buffers: Storage[] = [];
  /** Storage of outputs of checked ops, and inputs checked already: their slot. */
  readonly known = new Map<Storage, number>();
  constructor(readonly traced: boolean) {}
}

let nextSeq = 0;

/** One engine's tracer (Engine.nanTracer). */
export class NanTracer {
  private eager = new Window(false);
  private readonly traceWindows = new Map<object, Window>();
  /** Flags buffers of eager windows that were read, zeroed again: reused by later windows. */
  private readonly spare: Storage[] = [];
  /** The backward rules running now (innermost last). */
  private readonly backward: { op: string; stack: string }[] = [];
  /** The stack of the last checked op: the forward stack of the op recording itself next. */
  private lastStack = '';
  /** Set while the tracer's own work runs (its kernels are not ops to check). */
  private busy = false;

  constructor(private readonly e: Engine) {}

  /** Engine.noteKernel: `kernel` (run by the op `e.opName`) made `outputs` from `inputs`. */
  afterKernel(kernel: string, inputs: readonly Tensor[], outputs: readonly Tensor[]): void {
    if (this.busy) return;
    this.busy = true;
    try {
      const w = this.window();
      const stack = userStack();
      this.lastStack = stack;
      const op = this.e.opName;
      const base = { op, kernel, inputShapes: inputs.map((t) => t.shape), stack, backwardOf: this.backward.at(-1), traced: w.traced };
      const inputSlots = inputs.map((t, i) => this.inputSlot(w, t, i, base));
      for (const out of outputs) {
        const slot = this.add(w, { ...base, seq: 0, kind: 'output', outputShape: out.shape, inputs: inputSlots });
        this.check(w, out, slot);
        w.known.set(out.storage, slot);
      }
    } finally {
      this.busy = false;
    }
  }

  /** Engine.record: a recorded op's backward rule, run under the forward op's name and stack. */
  wrapBackward(op: string, backward: GradFn): GradFn {
    const forward = { op, stack: this.lastStack };
    return (dy, needed) => {
      this.backward.push(forward);
      try {
        return backward(dy, needed);
      } finally {
        this.backward.pop();
      }
    };
  }

  /**
   * A read or a flush: reads the flags of the window that ends here (and of traced steps), and
   * rejects naming the first op that made a NaN or an infinity from finite inputs.
   */
  async verify(): Promise<void> {
    const ended = this.eager;
    const windows = [...this.traceWindows.values()].filter((w) => w.slots.length > 0);
    if (ended.slots.length > 0) {
      this.eager = new Window(false);
      windows.unshift(ended);
    }
    if (windows.length === 0) return;
    const flagged = await Promise.all(windows.map((w) => this.readFlags(w)));
    if (ended.slots.length > 0) this.spare.push(...ended.buffers);
    let first: { w: Window; slot: number; flags: boolean[] } | null = null;
    windows.forEach((w, i) => {
      const flags = flagged[i]!;
      const slot = w.slots.findIndex((s, k) => flags[k] && (s.kind === 'input' || s.inputs.every((j) => j < 0 || !flags[j])));
      if (slot >= 0 && (!first || w.slots[slot]!.seq < first.w.slots[first.slot]!.seq)) first = { w, slot, flags };
    });
    if (first) {
      const { w, slot } = first as { w: Window; slot: number };
      throw new Error(describe(w.slots[slot]!));
    }
  }

  /** Frees the flags buffers (the tracer is turned off, or the engine destroyed). */
  dispose(): void {
    for (const w of [this.eager, ...this.traceWindows.values()]) for (const b of w.buffers) b.release();
    for (const b of this.spare) b.release();
    this.traceWindows.clear();
    this.spare.length = 0;
    this.eager = new Window(false);
  }

  /** The window ops join now: the eager one, or the traced step's. */
  private window(): Window {
    const tracing = this.e.tracing;
    if (!tracing) return this.eager;
    let w = this.traceWindows.get(tracing);
    if (!w) {
      w = new Window(true);
      this.traceWindows.set(tracing, w);
      if (this.traceWindows.size > maxTraceWindows) {
        const [oldest, old] = this.traceWindows.entries().next().value!;
        for (const b of old.buffers) b.release();
        this.traceWindows.delete(oldest);
      }
    }
    return w;
  }

  /** The slot that says whether input `t` held a non-finite value before the op. */
  private inputSlot(w: Window, t: Tensor, index: number, base: Omit<Slot, 'seq' | 'kind' | 'outputShape' | 'inputs'>): number {
    if (t.size === 0) return -1;
    // Variables are written in place (assign, optimizers): they are checked at every use.
    const known = t.isVariable ? undefined : w.known.get(t.storage);
    if (known !== undefined) return known;
    const what = t.isVariable ? `variable '${(t as Tensor & { name: string }).name}'` : 'a tensor no checked op made';
    const slot = this.add(w, { ...base, seq: 0, kind: 'input', outputShape: t.shape, inputs: [], inputIndex: index, described: `${what}, shape ${fmt(t.shape)}` });
    this.check(w, t, slot);
    if (!t.isVariable) w.known.set(t.storage, slot);
    return slot;
  }

  private add(w: Window, slot: Slot): number {
    if (w.slots.length === slotsPerBuffer * maxBuffersPerWindow) {
      throw new Error(
        `${slot.op}: debugNans checked ${w.slots.length} ops since the last read or flush; read a value or await e.flush() ` +
          '(which reports a NaN found so far) before going on',
      );
    }
    slot.seq = nextSeq++;
    w.slots.push(slot);
    return w.slots.length - 1;
  }

  /** Dispatches the check of `t` into `slot` (in chunks past one binding). */
  private check(w: Window, t: Tensor, slot: number): void {
    if (t.size === 0) return;
    const e = this.e;
    const flags = this.flagsFor(w, Math.floor(slot / slotsPerBuffer));
    const at = slot % slotsPerBuffer;
    if (t.size <= e.limits.maxBinding) {
      e.runKernelOn('debug_nonfinite', [t.storage], [flags], { n: t.size, slot: at });
      return;
    }
    const source = chunkSource(t);
    try {
      for (const [offset, n] of chunkRanges(e, t.size)) {
        const view = e.viewStorage(source, offset, n);
        e.runKernelOn('debug_nonfinite', [view], [flags], { n, slot: at });
        view.release();
      }
    } finally {
      source.release();
    }
  }

  /** The window's `index`-th flags buffer, zeroed, made on first use. */
  private flagsFor(w: Window, index: number): Storage {
    while (w.buffers.length <= index) {
      let flags = w.traced ? undefined : this.spare.pop();
      if (!flags) {
        // While tracing, a buffer made now belongs to the step: replays keep writing it.
        flags = this.e.allocStorage(slotsPerBuffer, 'host');
        this.e.backend.upload(flags.buffer, new Float32Array(slotsPerBuffer));
      }
      w.buffers.push(flags);
    }
    return w.buffers[index]!;
  }

  /** Reads a window's flags (one readback per buffer) and zeroes them again. */
  private async readFlags(w: Window): Promise<boolean[]> {
    const e = this.e;
    const used = Math.ceil(w.slots.length / slotsPerBuffer);
    const values = await Promise.all(w.buffers.slice(0, used).map((b) => e.backend.read(b.buffer)));
    const zeros = new Float32Array(slotsPerBuffer);
    if (!e.isDestroyed) for (const b of w.buffers.slice(0, used)) e.backend.upload(b.buffer, zeros);
    return w.slots.map((_, k) => values[Math.floor(k / slotsPerBuffer)]![k % slotsPerBuffer] !== 0);
  }
}

/** The report of the slot that made the first non-finite value. */
function describe(s: Slot): string {
  const where = s.traced ? ' (in a step compiled with e.compile; the stack is where it was traced)' : '';
  const name = s.kernel === s.op ? s.op : `${s.op} (kernel ${s.kernel})`;
  const backward = s.backwardOf ? ` in the backward pass of '${s.backwardOf.op}'` : '';
  const shapes = s.inputShapes.length > 0 ? `inputs ${s.inputShapes.map(fmt).join(', ')}` : 'no inputs';
  const lines: string[] = [];
  if (s.kind === 'input') {
    lines.push(
      `${name}${backward}: its input ${s.inputIndex} (${s.described}) holds NaN or Infinity, written outside the ops the tracer ` +
        `checks (an upload, an assign, an optimizer's update, a step compiled before the tracer was on)${where}. The op has ${shapes}.`,
    );
  } else {
    lines.push(
      `${name}${backward}: its output holds NaN or Infinity and its inputs did not: the first op to make one since the last read ` +
        `or flush (debugNans)${where}. It has ${shapes} and output ${fmt(s.outputShape)}.`,
    );
  }
  lines.push(`${s.op} was called:`, s.stack || '    (no frames outside the library)');
  if (s.backwardOf) lines.push(`'${s.backwardOf.op}', whose backward rule ran it, was called:`, s.backwardOf.stack || '    (no frames outside the library)');
  return lines.join('\n');
}
