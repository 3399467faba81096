/**
 * Backward passes replayed without their rules. An eager training loop computes the gradient of
 * the same function at every step: the same ops on the same shapes, so the backward rules make
 * the same backend calls every time, on other buffers. The JavaScript of those rules (tensor
 * handles, tidy scopes, shape checks, the rules themselves) was most of an eager step's time
 * for graphs of many small ops: a force-loss step records more than two backward nodes per
 * forward node. The replayed calls carry the very params objects the capture saw, so a recording
 * that expects its plan takes them as equal at once (src/backend/webgpu/graph/recording.ts).
 *
 * The first backward pass of a tape runs its rules with the engine's backend wrapped by a
 * recorder (`CapturingBackend`): every allocation, free, upload, kernel run and copy, with
 * buffers named by symbol: those the pass made by their order of allocation, those it found by
 * their place in the tape's key (backward_key.ts) or as engine constants. A later tape with an
 * equal key replays those calls on its own buffers and wraps the survivors as the gradients.
 * The backend sees the same calls in the same order either way: lazy execution records the
 * same graph and finds the same plan, results are bit-identical, and counters, memory and
 * errors from the backend are the same.
 *
 * A capture is kept only when it is self-contained: no reads, views or submits, every buffer
 * accounted for, and nothing made in the pass left alive but the gradients (a scalar constant
 * the pass made for the first time makes the next pass capture again).
 */
import type { Backend, BackendBuffer } from '../backend/backend.js';
import { ALLOC, ALLOC_DEVICE, ALLOC_HOST, BOUNDARY, COPY, FREE, RUN, UPLOAD, type CallBlock } from '../backend/call_block.js';
import type { KernelId, KernelParams } from '../kernel_ids/registry.js';
import type { Engine } from '../engine.js';
import { Storage, Tensor, type DType } from '../tensor.js';
import type { Signature } from '../backend/webgpu/graph/signature.js';
import type { BackwardKey } from './backward_key.js';
import type { ValueRange } from '../values.js';

/** Calls as a capture appends them. */
class CallList {
  private readonly ops: number[] = [];
  private readonly counts: number[] = [];
  private readonly starts: number[] = [0];
  private readonly syms: number[] = [];
  private readonly kernels: (KernelId | undefined)[] = [];
  private readonly params: (object | undefined)[] = [];
  private readonly uploads = new Map<number, Float64Array>();

  get length(): number {
    return this.ops.length;
  }

  add(op: number, count: number, syms: readonly number[], kernel?: KernelId, params?: object): number {
    const c = this.ops.push(op) - 1;
    this.counts.push(count);
    for (const sym of syms) this.syms.push(sym);
    this.starts.push(this.syms.length);
    this.kernels.push(kernel);
    this.params.push(params);
    return c;
  }

  allocation(numel: number, writtenBy: 'device' | 'host' | undefined): void {
    this.add(writtenBy === 'device' ? ALLOC_DEVICE : writtenBy === 'host' ? ALLOC_HOST : ALLOC, numel, []);
  }

  upload(sym: number, data: ArrayLike<number>): void {
    this.uploads.set(this.add(UPLOAD, 0, [sym]), Float64Array.from(data));
  }

  seal(allocations: number): CallBlock {
    return {
      allocations,
      ops: Uint8Array.from(this.ops),
      counts: Int32Array.from(this.counts),
      starts: Int32Array.from(this.starts),
      syms: Int32Array.from(this.syms),
      kernels: this.kernels,
      params: this.params,
      uploads: this.uploads,
    };
  }
}

const noCalls: CallBlock = new CallList().seal(0);

/** Where a gradient's storage comes from in a replay. */
type ResultStorage = { kind: 'born'; sym: number; valueRange: ValueRange | undefined } | { kind: 'storage'; index: number } | { kind: 'constant'; value: number; dtype: DType };

interface Template {
  readonly signature: Signature;
  /** False for a key whose captures failed twice: its rules just run (no recorder). */
  readonly replayable: boolean;
  readonly calls: CallBlock;
  readonly constants: readonly { value: number; dtype: DType }[];
  readonly results: readonly { storage: ResultStorage; shape: readonly number[]; dtype: DType }[];
}

/** Templates kept per engine (most recent first), and the most calls one may hold. */
const maxTemplates = 8;
const maxCalls = 1 << 18;
/**
 * Captures in a row that no replay used (as many as are kept), after which passes run their
 * rules without a key or a recorder for a while: a loop whose tape changes every step (a scalar
 * constant of a new value each time) would otherwise pay for a capture at every step.
 */
const maxUnusedCaptures = maxTemplates;
const pausedPasses = 32;

/** The replayable backward passes of one engine. */
export class BackwardReplays {
  private templates: Template[] = [];
  /** Keys whose capture failed once (see `capture`). */
  private failed: Signature[] = [];
  /** Off: every backward pass runs its rules (a switch for tests and measurements). */
  enabled = true;
  /** Backward passes replayed, and captured (for tests and `e.stats()`-style checks). */
  replays = 0;
  captures = 0;
  private unusedCaptures = 0;
  private paused = 0;

  constructor(private readonly engine: Engine) {}

  /** Forgets every capture and pause (the counters stay). */
  clear(): void {
    this.templates = [];
    this.failed = [];
    this.unusedCaptures = 0;
    this.paused = 0;
  }

  /** False while paused (see `maxUnusedCaptures`): the pass runs its rules, without a key. */
  takesKeys(): boolean {
    if (this.paused === 0) return true;
    this.paused--;
    return false;
  }

  /** The signature met last: keys are compared with it while they are built. */
  get expected(): Signature | null {
    return this.templates[0]?.signature ?? null;
  }

  /**
   * The gradients of the tape with this key: replayed from a template, or computed by `run` (the
   * rules, in their tidy scope) while a template is captured.
   */
  gradients(key: BackwardKey, run: () => Tensor[]): Tensor[] {
    const template = this.find(key.signature);
    if (template?.replayable) {
      this.unusedCaptures = 0;
      return this.replay(template, key);
    }
    if (template) return run();
    if (this.unusedCaptures >= maxUnusedCaptures) {
      this.unusedCaptures = 0;
      this.paused = pausedPasses;
      return run();
    }
    return this.capture(key, run);
  }

  private find(signature: Signature): Template | undefined {
    const first = this.templates[0];
    if (first && signature.matchesExpected) return first;
    for (let i = 0; i < this.templates.length; i++) {
      const t = this.templates[i]!;
      if (t.signature.length === signature.length && t.signature.hash === signature.hash && t.signature.equals(signature)) {
        this.templates.splice(i, 1);
        this.templates.unshift(t);
        return t;
      }
    }
    return undefined;
  }

  private capture(key: BackwardKey, run: () => Tensor[]): Tensor[] {
    const e = this.engine;
    const recorder = new CapturingBackend(e.backend, key, e);
    const tensorsBefore = e.memory().tensors;
    const grads = e.withBackend(recorder, run);
    const template = recorder.finish(grads, e.memory().tensors - tensorsBefore, key.signature);
    if (template) {
      this.captures++;
      this.unusedCaptures++;
      this.keep(template);
    } else {
      // A pass may fail once for a reason that goes away (a scalar constant it made for the
      // first time); failing again, its key runs the rules from then on without a recorder.
      const signature = key.signature.snapshot();
      const failedBefore = this.failed.some((f) => f.length === signature.length && f.hash === signature.hash && f.equals(signature));
      if (failedBefore) this.keep({ signature, replayable: false, calls: noCalls, constants: [], results: [] });
      else {
        this.failed.unshift(signature);
        if (this.failed.length > maxTemplates) this.failed.pop();
      }
    }
    return grads;
  }

  private keep(template: Template): void {
    this.templates.unshift(template);
    if (this.templates.length > maxTemplates) this.templates.pop();
  }

  private replay(t: Template, key: BackwardKey): Tensor[] {
    const e = this.engine;
    const backend = e.backend;
    const external: BackendBuffer[] = key.storages.map((st) => st.buffer);
    for (const c of t.constants) external.push(e.constant(c.value, c.dtype).storage.buffer);
    // The backend may take the whole block at once (call_block.ts); else it may watch the calls
    // one by one to take the block at once next time.
    const made = backend.replayBlock?.(t.calls, external) ?? this.replayCalls(t.calls, external, backend);
    this.replays++;
    const storages = new Map<number, Storage>();
    return t.results.map((r) => {
      let storage: Storage;
      const from = r.storage;
      if (from.kind === 'born') {
        const shared = storages.get(from.sym);
        if (shared) storage = shared.retain();
        else {
          storage = new Storage(e, made[from.sym]!);
          storage.valueRange = from.valueRange;
        }
        storages.set(from.sym, storage);
      } else if (from.kind === 'storage') storage = key.storages[from.index]!.retain();
      else storage = e.constant(from.value, from.dtype).storage.retain();
      return e.track(new Tensor(e, storage, r.shape, r.dtype));
    });
  }

  /** The block's calls one by one; the buffers it allocated, by symbol (freed ones included). */
  private replayCalls(calls: CallBlock, external: readonly BackendBuffer[], backend: Backend): BackendBuffer[] {
    const made = new Array<BackendBuffer>(calls.allocations);
    const freed = new Uint8Array(calls.allocations);
    let allocated = 0;
    // Backends copy the arrays they keep: one pair per arity serves every call.
    const inputArrays: BackendBuffer[][] = [];
    const outputArrays: BackendBuffer[][] = [];
    const { ops, counts, starts, syms, kernels, params } = calls;
    const bufferOf = (sym: number): BackendBuffer => (sym >= 0 ? made[sym]! : external[-sym - 1]!);
    const watched = backend.watchBlock?.(calls, external);
    try {
      for (let c = 0; c < ops.length; c++) {
        const op = ops[c]!;
        const from = starts[c]!;
        if (op === RUN) {
          const n = counts[c]!;
          const to = starts[c + 1]!;
          const inputs = (inputArrays[n] ??= new Array<BackendBuffer>(n));
          const outputs = (outputArrays[to - from - n] ??= new Array<BackendBuffer>(to - from - n));
          for (let i = 0; i < n; i++) inputs[i] = bufferOf(syms[from + i]!);
          for (let i = from + n; i < to; i++) outputs[i - from - n] = bufferOf(syms[i]!);
          backend.run(kernels[c]!, inputs, outputs, params[c] as KernelParams<KernelId>);
        } else if (op === ALLOC_DEVICE) made[allocated++] = backend.alloc(counts[c]!, 'device');
        else if (op === ALLOC_HOST) made[allocated++] = backend.alloc(counts[c]!, 'host');
        else if (op === ALLOC) made[allocated++] = backend.alloc(counts[c]!);
        else if (op === FREE) {
          backend.free(made[syms[from]!]!);
          freed[syms[from]!] = 1;
        } else if (op === UPLOAD) backend.upload(made[syms[from]!]!, calls.uploads.get(c)!);
        else if (op === COPY) backend.copyBuffer(bufferOf(syms[from]!), bufferOf(syms[from + 1]!), counts[c]!);
        else backend.boundary?.();
      }
    } catch (err) {
      // What the pass made goes back; the tape's tensors are untouched.
      for (let k = 0; k < allocated; k++) if (!freed[k]) backend.free(made[k]!);
      throw err;
    }
    watched?.(made);
    return made;
  }
}

/**
 * The engine's backend with every call recorded for a template (see the file comment). Calls
 * that a template cannot hold (reads, views, submits, buffers of unknown origin) are passed on
 * and mark the capture as not replayable.
 */
class CapturingBackend implements Backend {
  private readonly calls = new CallList();
  /** Symbol of each buffer met. */
  private readonly symbols = new Map<BackendBuffer, number>();
  private readonly live = new Set<number>();
  private allocations = 0;
  private readonly constants: { value: number; dtype: DType }[] = [];
  private replayable = true;

  constructor(
    private readonly inner: Backend,
    private readonly key: BackwardKey,
    private readonly engine: Engine,
  ) {}

  get name(): Backend['name'] {
    return this.inner.name;
  }
  get adapterInfo(): Backend['adapterInfo'] {
    return this.inner.adapterInfo;
  }
  get viewAlignment(): number {
    return this.inner.viewAlignment;
  }
  get capture(): Backend['capture'] {
    return this.inner.capture;
  }
  get tuning(): Backend['tuning'] {
    return this.inner.tuning;
  }

  alloc(numel: number, writtenBy?: 'device' | 'host'): BackendBuffer {
    const b = this.inner.alloc(numel, writtenBy);
    const sym = this.allocations++;
    this.symbols.set(b, sym);
    this.live.add(sym);
    this.calls.allocation(numel, writtenBy);
    return b;
  }

  view(parent: BackendBuffer, offset: number, numel: number): BackendBuffer {
    this.replayable = false;
    return this.inner.view(parent, offset, numel);
  }

  free(buffer: BackendBuffer): void {
    const sym = this.symbols.get(buffer);
    if (sym === undefined || sym < 0 || !this.live.has(sym)) this.replayable = false;
    else {
      this.live.delete(sym);
      this.calls.add(FREE, 0, [sym]);
    }
    this.inner.free(buffer);
  }

  upload(buffer: BackendBuffer, data: ArrayLike<number>): void {
    const sym = this.symbols.get(buffer);
    if (sym === undefined || sym < 0) this.replayable = false;
    else this.calls.upload(sym, data);
    this.inner.upload(buffer, data);
  }

  read(buffer: BackendBuffer): Promise<Float32Array | Float64Array> {
    this.replayable = false;
    return this.inner.read(buffer);
  }

  run<K extends KernelId>(kernel: K, inputs: BackendBuffer[], outputs: BackendBuffer[], params: KernelParams<K>): void {
    const syms: number[] = [];
    for (const b of inputs) syms.push(this.symbolOf(b));
    for (const b of outputs) syms.push(this.symbolOf(b));
    this.calls.add(RUN, inputs.length, syms, kernel, params as object);
    this.inner.run(kernel, inputs, outputs, params);
  }

  copyBuffer(src: BackendBuffer, dst: BackendBuffer, numel: number): void {
    this.calls.add(COPY, numel, [this.symbolOf(src), this.symbolOf(dst)]);
    this.inner.copyBuffer(src, dst, numel);
  }

  submit(): void {
    this.replayable = false;
    this.inner.submit();
  }

  boundary(): void {
    this.calls.add(BOUNDARY, 0, []);
    this.inner.boundary?.();
  }

  flush(): Promise<void> {
    this.replayable = false;
    return this.inner.flush();
  }

  stats(): ReturnType<Backend['stats']> {
    return this.inner.stats();
  }

  memory(): ReturnType<Backend['memory']> {
    return this.inner.memory();
  }

  destroy(): void {
    this.replayable = false;
    this.inner.destroy();
  }

  /** The key's buffers by their storage's index (built at the first lookup). */
  private keyBuffers: Map<BackendBuffer, number> | null = null;

  private bufferIndex(): Map<BackendBuffer, number> {
    if (this.keyBuffers === null) {
      const index = new Map<BackendBuffer, number>();
      this.key.storages.forEach((st, i) => {
        // One buffer under two storages: which one a rule meant is unknowable.
        if (index.has(st.buffer)) this.replayable = false;
        else index.set(st.buffer, i);
      });
      this.keyBuffers = index;
    }
    return this.keyBuffers;
  }

  /** A buffer's symbol: allocated by the pass, one of the key's, or an engine constant. */
  private symbolOf(b: BackendBuffer): number {
    const sym = this.symbols.get(b);
    if (sym !== undefined) {
      if (sym >= 0 && !this.live.has(sym)) this.replayable = false;
      return sym;
    }
    const index = this.bufferIndex().get(b);
    if (index !== undefined) return this.external(b, index);
    const constant = this.engine.constantOfBuffer(b);
    if (constant === undefined) {
      this.replayable = false;
      return 0;
    }
    this.constants.push(constant);
    return this.external(b, this.key.storages.length + this.constants.length - 1);
  }

  private external(b: BackendBuffer, index: number): number {
    const sym = -index - 1;
    this.symbols.set(b, sym);
    return sym;
  }

  /**
   * The template, if the pass was self-contained: `grads` are its results and `madeTensors` the
   * tensors it left alive (the gradients and nothing else).
   */
  finish(grads: readonly Tensor[], madeTensors: number, signature: Signature): Template | null {
    if (!this.replayable || this.calls.length > maxCalls || madeTensors !== grads.length) return null;
    const results: { storage: ResultStorage; shape: readonly number[]; dtype: DType }[] = [];
    const holders = new Map<Storage, number>();
    const survivors = new Set<number>();
    for (const g of grads) {
      const st = g.storage;
      holders.set(st, (holders.get(st) ?? 0) + 1);
      const sym = this.symbols.get(st.buffer);
      let storage: ResultStorage;
      if (sym !== undefined && sym >= 0 && this.live.has(sym)) {
        // A range the rules derived (a slice of the seed's) follows from the key, as the calls do.
        if (st.parent) return null;
        storage = { kind: 'born', sym, valueRange: st.valueRange };
        survivors.add(sym);
      } else {
        const index = this.key.storageIndexOf(st);
        const constant = index === undefined ? this.engine.constantOfBuffer(st.buffer) : undefined;
        if (index !== undefined) storage = { kind: 'storage', index };
        else if (constant !== undefined) storage = { kind: 'constant', ...constant };
        else return null;
      }
      results.push({ storage, shape: g.shape, dtype: g.dtype });
    }
    // Nothing made in the pass outlives it but the gradients, held by them alone.
    if (survivors.size !== this.live.size) return null;
    for (const sym of this.live) if (!survivors.has(sym)) return null;
    for (const [st, count] of holders) {
      const sym = this.symbols.get(st.buffer);
      if (sym !== undefined && sym >= 0 && st.refs !== count) return null;
    }
    return { signature: signature.snapshot(), replayable: true, calls: this.calls.seal(this.allocations), constants: this.constants, results };
  }
}
