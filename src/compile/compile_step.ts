import type { BackendBuffer, CapturedStep, CaptureSupport } from '../backend/backend.js';
import type { Engine } from '../engine.js';
import { Storage, Tensor, Variable } from '../tensor.js';

/** A function of tensors returning a tensor, or arrays / plain objects of tensors (and other values). */
export type StepFunction<Args extends Tensor[], R> = (...args: Args) => R;

/** Options of `e.compile`. */
export interface CompileOptions {
  /**
   * Fuse chains of elementwise kernels into generated kernels (default true). Fused code may
   * round differently where the shader compiler contracts a·b + c into a fused multiply-add; with
   * `fuse: false` replays are bit-identical to eager calls.
   */
  fuse?: boolean;
}

/** What `e.compile` returns: call it like the function it wraps. */
export interface CompiledFunction<Args extends Tensor[], R> {
  (...args: Args): R;
  /** Captures made so far: one per distinct argument signature (shapes, dtypes, variables). */
  readonly captureCount: number;
  /** Compute dispatches one call replays (0 before the first call, and on the CPU backend). */
  readonly dispatchesPerCall: number;
  /** What the last call replayed, in order (kernel ids, 'fused', 'copy', 'host'): for profiling. */
  readonly commandsPerCall: string[];
  /** Frees every capture's buffers. The function can still be called: it traces again. */
  dispose(): void;
}

/** @internal What the engine notes while a step is traced. */
export class TraceState {
  /** Variables the step read or wrote, with the storage they had when first used. */
  readonly variables = new Map<Variable, Storage>();
  /** Set when the step tried to read a tensor back: the trace is then refused. */
  readAttempted = false;

  noteInputs(inputs: readonly Tensor[]): void {
    for (const t of inputs) if (t instanceof Variable && !this.variables.has(t)) this.variables.set(t, t.storage);
  }
}

interface Capture {
  step: CapturedStep;
  /** Per argument: the slot its values are copied into before a replay (null for variables). */
  slots: (Storage | null)[];
  variables: Map<Variable, Storage>;
  /** Where each result tensor is found after a replay, with its shape and dtype. */
  outputs: { buffer: BackendBuffer; shape: readonly number[]; dtype: Tensor['dtype'] }[];
  /** Traced while a variable moved: not replayable. */
  stale: boolean;
  /** The traced result, with tensors replaced by their index in `outputs`. */
  template: unknown;
}

const outputMarker = Symbol('compiled output');

/**
 * Step capture (DESIGN.md): the first call with a given argument signature runs `fn` while the
 * backend records its commands instead of running them; the recording is compiled (fusion,
 * batching) and its first replay gives that call's results. Later calls copy the new arguments
 * into fixed slots and replay, with no graph work in JavaScript and no new buffers. Results are
 * new tensors (copies of the step's outputs), equal to what eager calls give (bit-identical with
 * `fuse: false`).
 */
export function compileStep<Args extends Tensor[], R>(engine: Engine, fn: StepFunction<Args, R>, options: CompileOptions = {}): CompiledFunction<Args, R> {
  const captures = new Map<string, Capture>();
  let last: CapturedStep | null = null;

  const call = (...args: Args): R => {
    if (engine.isRecording) {
      throw new Error('compile: a compiled function cannot be differentiated from outside; call valueAndGrad inside it');
    }
    engine.checkInputs('compile', args);
    const support = engine.backend.capture;
    if (!support) return engine.tidy(() => fn(...args));
    const key = signature(args);
    let capture = captures.get(key);
    if (capture && !isCurrent(capture)) {
      release(support, capture);
      captures.delete(key);
      capture = undefined;
    }
    if (!capture) {
      const traced = trace(engine, support, fn, args, options);
      last = traced.capture.step;
      if (traced.capture.stale) release(support, traced.capture);
      else captures.set(key, traced.capture);
      return traced.result;
    }
    last = capture.step;
    return replay(engine, support, capture, args) as R;
  };

  Object.defineProperties(call, {
    captureCount: { get: () => captures.size },
    dispatchesPerCall: { get: () => last?.dispatches ?? 0 },
    commandsPerCall: { get: () => last?.kernels ?? [] },
    dispose: {
      value: () => {
        const support = engine.backend.capture;
        if (support) for (const c of captures.values()) release(support, c);
        captures.clear();
      },
    },
  });
  return call as CompiledFunction<Args, R>;
}

/** Shapes and dtypes of the arguments; variables by identity (they are bound, not copied). */
function signature(args: readonly Tensor[]): string {
  return args
    .map((t, i) => {
      const alias = args.indexOf(t);
      if (alias !== i) return `=${alias}`;
      return t instanceof Variable ? `v${t.id}` : `${t.dtype}[${t.shape.join(',')}]`;
    })
    .join(';');
}

/** A capture stays usable while its variables keep their storage and its external buffers live. */
function isCurrent(c: Capture): boolean {
  for (const [v, storage] of c.variables) if (v.isDisposed || v.storage !== storage) return false;
  return c.step.isValid();
}

function trace<Args extends Tensor[], R>(
  engine: Engine,
  support: CaptureSupport,
  fn: StepFunction<Args, R>,
  args: Args,
  options: CompileOptions,
): { capture: Capture; result: R } {
  // Argument slots are allocated before the trace so that they are not the capture's buffers.
  const slots = args.map((t, i) => (t instanceof Variable || args.indexOf(t) !== i ? null : engine.allocStorage(t.size, 'device')));
  const state = new TraceState();
  engine.tracing = state;
  support.beginCapture();
  let result: R;
  try {
    result = engine.tidy(() => fn(...args));
    if (state.readAttempted) throw new Error('compile: a compiled function cannot read tensors (no readbacks inside a captured step)');
  } catch (err) {
    engine.tracing = null;
    support.abortCapture();
    for (const s of slots) s?.release();
    throw err;
  }
  engine.tracing = null;
  const remap = new Map<BackendBuffer, BackendBuffer>();
  args.forEach((t, i) => {
    const slot = slots[i];
    if (slot) remap.set(t.storage.buffer, slot.buffer);
  });
  const step = support.endCapture(remap, { fuse: options.fuse ?? true });
  // A variable created or re-homed in the step keeps its buffer: it outlives the capture.
  const variables = new Map<Variable, Storage>();
  // A variable moved while tracing (an optimizer's first step puts it in its arena) leaves earlier
  // commands reading its old buffer: such a capture is used for this call only, and traced again.
  let stale = false;
  for (const [v, first] of state.variables) {
    step.disown(v.storage.buffer);
    variables.set(v, v.storage);
    if (v.storage !== first) stale = true;
  }

  // The trace only recorded: the first replay computes this call's results.
  args.forEach((t, i) => {
    const slot = slots[i];
    if (slot) engine.backend.copyBuffer(t.storage.buffer, slot.buffer, t.size);
  });
  support.replay(step);

  const outputs: Capture['outputs'] = [];
  const seen = new Map<Tensor, number>();
  const template = mapTensors(result, (t) => {
    let index = seen.get(t);
    if (index === undefined) {
      const buffer = remap.get(t.storage.buffer) ?? t.storage.buffer;
      index = outputs.push({ buffer, shape: t.shape, dtype: t.dtype }) - 1;
      seen.set(t, index);
      // The traced result must not change when a replay overwrites the capture's buffers
      // (variables and arguments are not the capture's: they keep theirs).
      if (!(t instanceof Variable) && !remap.has(t.storage.buffer)) {
        const own = engine.allocStorage(t.size, 'device');
        engine.backend.copyBuffer(t.storage.buffer, own.buffer, t.size);
        t.storage.release();
        t.storage = own;
      }
    }
    return { [outputMarker]: index };
  });
  const capture: Capture = { step, slots, variables, outputs, template, stale };
  return { capture, result };
}

function replay(engine: Engine, support: CaptureSupport, c: Capture, args: readonly Tensor[]): unknown {
  args.forEach((t, i) => {
    const slot = c.slots[i];
    if (slot) engine.backend.copyBuffer(t.storage.buffer, slot.buffer, t.size);
  });
  support.replay(c.step);
  const fresh = c.outputs.map(({ buffer, shape, dtype }) => {
    const size = buffer.numel;
    const storage = engine.allocStorage(size, 'device');
    engine.backend.copyBuffer(buffer, storage.buffer, size);
    return engine.track(new Tensor(engine, storage, shape, dtype));
  });
  return rebuild(c.template, fresh);
}

function release(support: CaptureSupport, c: Capture): void {
  support.disposeCapture(c.step);
  for (const s of c.slots) s?.release();
}

/** Replaces every tensor in arrays and plain objects by f(tensor); other values stay. */
function mapTensors(x: unknown, f: (t: Tensor) => unknown): unknown {
  if (x instanceof Tensor) return f(x);
  if (Array.isArray(x)) return x.map((v) => mapTensors(v, f));
  if (x && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, mapTensors(v, f)]));
  }
  return x;
}

function rebuild(template: unknown, tensors: Tensor[]): unknown {
  if (Array.isArray(template)) return template.map((v) => rebuild(v, tensors));
  if (template && typeof template === 'object' && Object.getPrototypeOf(template) === Object.prototype) {
    const marker = (template as { [outputMarker]?: number })[outputMarker];
    if (marker !== undefined) return tensors[marker];
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, rebuild(v, tensors)]));
  }
  return template;
}
