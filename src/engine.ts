import type { AdapterInfo, Backend, BackendBuffer, BackendStats } from './backend/backend.js';
import { noTuning, type Tuning } from './backend/webgpu/tuning/control.js';
import type { KernelId, KernelParams } from './kernel_ids/registry.js';
import { GradientTape, constantOutput, type GradFn } from './autodiff/tape.js';
import { Storage, Tensor, Variable, type DType } from './tensor.js';
import { sizeOf, type Shape } from './shape.js';
import { hostValues, type TensorValues } from './values.js';
import { checkBoolean, checkFunction, checkNumber, checkOptions, checkTensorList, checkVariableOptions } from './ops/validate.js';
import { verifyDeviceChecks } from './ops/device_checks.js';
import { allocationFailedError, checkValuesSize, kernelSizeError, tensorLimits, tooLargeError, type TensorLimits } from './ops/limits.js';
import { NanTracer } from './debug/nan_tracer.js';
import { BackwardReplays } from './autodiff/backward_replay.js';
import { compileStep, type CompiledFunction, type CompileOptions, type StepFunction, type TraceState } from './compile/compile_step.js';

/** What `e.memory()` reports. */
export interface MemoryInfo {
  /** Live tensors (variables included). */
  tensors: number;
  /** Device buffers in use by tensors and the engine. */
  buffers: number;
  /** Bytes in use by those buffers. */
  bytes: number;
}

/** A value accepted where a tensor is expected: numbers become scalar constants. */
export type TensorLike = Tensor | number;

/** Options of `e.variable`. */
export interface VariableOptions {
  name?: string;
  trainable?: boolean;
  dtype?: DType;
}

/** The result of `e.valueAndGrad`. */
export interface ValueAndGrads {
  value: Tensor;
  grads: Tensor[];
}

let activeEngines: Engine[] = [];

/** @internal The engine an op without tensor arguments runs on (`e.add(1, 2)`). */
export function currentEngine(): Engine | undefined {
  return activeEngines[activeEngines.length - 1];
}

/**
 * Owns a backend, the live tensors, tidy scopes and gradient tapes. Create with `createEngine`.
 * Ops are available both as tensor methods (`x.add(y)`) and as functions here (`e.add(x, y)`).
 */
export class Engine {
  readonly backend: Backend;
  /** The open tidy scopes, innermost last: the tensors each made. */
  private scopes: Tensor[][] = [];
  private tapes: GradientTape[] = [];
  /** The tapes recording now (replaced, never changed, when that changes: tensors share it). */
  private recordingTapes: GradientTape[] = [];
  private liveTensors = 0;
  private nextVariable = 0;
  private scalarCache = new Map<string, Tensor>();
  /** The scalar constants' storages, with what they hold (backward_key.ts and backward_replay.ts ask). */
  private readonly constantStorages = new Map<Storage, { value: number; dtype: DType }>();
  /** @internal Backward passes replayed without their rules (src/autodiff/backward_replay.ts). */
  readonly backwardReplays: BackwardReplays = new BackwardReplays(this);
  private readonly collected: FinalizationRegistry<{ storage: Storage }>;
  private destroyed = false;
  /** Reused as the outputs of single-output kernels (see runKernel). */
  private readonly oneOutput: BackendBuffer[] = [];
  /** Reused as the buffers of runKernel's inputs, by input count. */
  private readonly inputBuffers: BackendBuffer[][] = [];
  /** Reused as the outputs runKernel tells tapes of. */
  private readonly oneOutputTensor: Tensor[] = [];
  /** @internal Set while `compile` traces a step. */
  tracing: TraceState | null = null;
  /** @internal How large tensors may be on the backend (src/ops/limits.ts). */
  readonly limits: TensorLimits;
  /** @internal The op whose arguments were checked last: size refusals and the NaN tracer name it. */
  opName = 'tensor';
  /** @internal The NaN/Inf tracer while it is on (src/debug/nan_tracer.ts). */
  nanTracer: NanTracer | null = null;

  /** @internal Use `createEngine`. */
  constructor(backend: Backend) {
    this.backend = backend;
    this.limits = tensorLimits(backend);
    // The safety net: storage of tensors that became unreachable without dispose() is released.
    this.collected = new FinalizationRegistry((cell) => {
      if (!this.destroyed) {
        this.liveTensors--;
        cell.storage.release();
      }
    });
  }

  /** Which device runs the kernels (lavapipe, SwiftShader, a real GPU, or the CPU reference). */
  get adapterInfo(): AdapterInfo {
    return this.backend.adapterInfo;
  }

  /**
   * Makes a constant tensor. Values may be a number, nested arrays, a typed array of numbers
   * (Float64Array, Int32Array, Uint8Array...) or arrays of typed arrays.
   */
  tensor(values: TensorValues, shape?: Shape, dtype: DType = 'float32'): Tensor {
    return this.upload('tensor', values, shape, dtype);
  }

  /** `e.tensor` for `op` (which error messages name). */
  private upload(op: string, values: TensorValues, shape: Shape | undefined, dtype: DType): Tensor {
    checkValuesSize(this.limits, op, values, shape);
    const host = hostValues(op, values, shape, dtype);
    const storage = this.allocStorage(host.flat.length, 'host', host.shape, op);
    if (host.flat.length > 0) this.backend.upload(storage.buffer, host.flat);
    storage.valueRange = host.range;
    return this.track(new Tensor(this, storage, host.shape, host.dtype));
  }

  /** A 0-d tensor. */
  scalar(value: number, dtype: DType = 'float32'): Tensor {
    if (typeof value !== 'boolean') checkNumber('scalar', 'value', value, { infinite: true, nan: true });
    return this.tensor([value], [], dtype);
  }

  /** Makes a trainable variable: a tensor whose values can be replaced in place (`v.assign`). */
  variable(values: TensorValues | Tensor, shape?: Shape, options: VariableOptions = {}): Variable {
    checkVariableOptions(options);
    const init = values instanceof Tensor ? values : this.upload('variable', values, shape, options.dtype ?? 'float32');
    init.assertAlive('variable');
    const storage = this.allocStorage(init.size, 'device');
    this.copyStorage(init.storage, storage, init.size);
    const name = options.name ?? `variable_${this.nextVariable++}`;
    const v = new Variable(this, storage, init.shape, options.dtype ?? init.dtype, name, options.trainable ?? true);
    if (init !== values) init.dispose();
    // Variables outlive tidy scopes, as in TensorFlow.js: they are only freed by dispose().
    this.liveTensors++;
    this.collectWhenUnreachable(v);
    return v;
  }

  /**
   * Runs `fn` and disposes every tensor it created except those it returns (found in arrays and
   * plain objects) and those passed to `keep`. Tensors a still-recording outer tape needs for its
   * gradient are handed to that tape instead, so `grad(grad(f))` works.
   */
  tidy<T>(fn: () => T): T {
    checkFunction('tidy', 'fn', fn);
    const scope: Tensor[] = [];
    this.scopes.push(scope);
    let result: T;
    try {
      result = fn();
    } catch (err) {
      // As TensorFlow.js does: a function that throws leaves nothing behind either.
      this.scopes.pop();
      this.endScope(scope, new Set(), this.scopes[this.scopes.length - 1]);
      throw err;
    }
    this.scopes.pop();
    const keepers = new Set<Tensor>();
    collectTensors(result, keepers);
    const parent = this.scopes[this.scopes.length - 1];
    this.endScope(scope, keepers, parent);
    if (result instanceof Promise) throw new Error('tidy: the function must be synchronous');
    // The end of a step: what it recorded may run now, its intermediates being internal.
    if (!parent) this.backend.boundary?.();
    return result;
  }

  /**
   * Disposes what a tidy scope made, except `keepers` (handed to `parent`, or to the garbage
   * collector's safety net at the outermost scope) and what a recording tape still needs.
   */
  private endScope(scope: readonly Tensor[], keepers: Set<Tensor>, parent: Tensor[] | undefined): void {
    for (let i = 0; i < scope.length; i++) {
      const t = scope[i]!;
      if (t.isDisposed) continue;
      if (keepers.has(t)) {
        if (parent) parent.push(t);
        else this.collectWhenUnreachable(t);
        continue;
      }
      const owner = recordingOwner(t);
      if (owner) owner.adopt(t);
      else t.dispose();
    }
  }

  /** Excludes a tensor from the enclosing tidy scopes; returns it. */
  keep<T extends Tensor>(t: T): T {
    let kept = false;
    for (const scope of this.scopes) {
      const at = scope.indexOf(t);
      if (at < 0) continue;
      // Order does not matter in a scope: the last one takes its place.
      scope[at] = scope[scope.length - 1]!;
      scope.pop();
      kept = true;
    }
    if (kept) this.collectWhenUnreachable(t);
    return t;
  }

  /** Disposes tensors found in `x` (a tensor, arrays or objects of them). */
  dispose(x: unknown): void {
    const found = new Set<Tensor>();
    collectTensors(x, found);
    for (const t of found) t.dispose();
  }

  /**
   * Starts recording ops for reverse-mode differentiation (TensorFlow's GradientTape). Call
   * `tape.gradient(target, sources)` to differentiate and `tape.dispose()` when done.
   */
  tape(options: { persistent?: boolean } = {}): GradientTape {
    const persistent = checkBoolean('tape', 'persistent', checkOptions('tape', options, ['persistent']).persistent);
    const tape = new GradientTape(this, persistent, () => {
      this.tapes = this.tapes.filter((t) => t !== tape);
      this.tapesChanged();
    });
    this.tapes.push(tape);
    this.tapesChanged();
    return tape;
  }

  /**
   * Evaluates `f()` (a scalar, or any shape with `seed`) and its gradients with respect to `xs`,
   * which may be variables, constants or any other tensors `f` uses. Intermediates are disposed.
   */
  valueAndGrad(f: () => Tensor, xs: readonly Tensor[], seed?: Tensor): ValueAndGrads {
    checkFunction('valueAndGrad', 'f', f);
    checkTensorList('valueAndGrad', 'xs', xs, false);
    const tape = this.tape();
    try {
      return this.tidy(() => {
        const value = f();
        if (!(value instanceof Tensor)) throw new Error('valueAndGrad: the function must return a tensor');
        tape.stop();
        return { value, grads: tape.gradient(value, xs, seed) };
      });
    } finally {
      tape.dispose();
    }
  }

  /**
   * Functional gradient: `e.grad(f)(...xs)` returns the gradients of the scalar `f(...xs)` with
   * respect to each argument. Nests: `e.grad((x) => e.grad(f)(x)[0].sum())` is a second derivative.
   */
  grad(f: (...xs: Tensor[]) => Tensor): (...xs: Tensor[]) => Tensor[] {
    checkFunction('grad', 'f', f);
    return (...xs: Tensor[]) => {
      const { value, grads } = this.valueAndGrad(() => f(...xs), xs);
      value.dispose();
      return grads;
    };
  }

  /** Functional value-and-gradient: `e.valueAndGradFn(f)(...xs)`. */
  valueAndGradFn(f: (...xs: Tensor[]) => Tensor): (...xs: Tensor[]) => ValueAndGrads {
    return (...xs: Tensor[]) => this.valueAndGrad(() => f(...xs), xs);
  }

  /** Live tensors and device memory. Engine-internal scalar constants are not counted. */
  memory(): MemoryInfo {
    const m = this.backend.memory();
    const internal = this.scalarCache.size;
    return { tensors: this.liveTensors - internal, buffers: m.buffers - internal, bytes: m.bytes - internal * 4 };
  }

  /**
   * Step capture: returns a function that traces `fn` the first time for each argument signature
   * (shapes, dtypes, which variables), recording its GPU commands, and from then on (that first
   * call included) replays the compiled recording: no graph work in JavaScript, no new buffers,
   * one encoder. Arguments may change values between calls; variables are bound by identity and
   * updated in place. Results equal eager calls (bit-identical with `{ fuse: false }`). `fn`
   * must not read tensors back. On the CPU backend it runs `fn` eagerly (inside tidy) every time.
   */
  compile<Args extends Tensor[], R>(fn: StepFunction<Args, R>, options: CompileOptions = {}): CompiledFunction<Args, R> {
    return compileStep(this, fn, options);
  }

  /**
   * @internal Runs `encode` now and, when a step is being captured by `compile`, again on every
   * replay in place of the commands it encoded: host-side state that changes per step (an
   * optimizer's step count and per-step parameters, a loss recorder's slot) stays in step.
   * `encode` must only use buffers that outlive the capture or belong to it, and must list in
   * `reads` what it reads that the step's own commands compute (fusion keeps those computed).
   */
  replayable(encode: () => void, reads: readonly Tensor[] | readonly BackendBuffer[] = []): void {
    const support = this.backend.capture;
    if (!support) return encode();
    support.runReplayable(encode, reads.map((r) => (r instanceof Tensor ? r.storage.buffer : r)));
  }

  /**
   * Kernel variants and their tuning table (WebGPU): `export()` / `import(json)` carry the table,
   * `settle()` times what is queued; see createEngine's `autotune` option.
   */
  get tuning(): Tuning {
    return this.backend.tuning ?? noTuning;
  }

  /** Dispatch, submit, readback, buffer and pipeline counters since the engine was created. */
  stats(): BackendStats {
    return this.backend.stats();
  }

  /**
   * Submits recorded GPU work and waits for errors it may raise (on the CPU, only the checks
   * below). Reports a device check that failed since the last read, and with `debugNans` on the
   * first op that made a NaN or an infinity.
   */
  async flush(): Promise<void> {
    await this.backend.flush();
    await verifyDeviceChecks(this);
    await this.nanTracer?.verify();
  }

  /**
   * Turns the NaN/Inf tracer on (or off), as JAX's debug_nans and PyTorch's detect_anomaly: from
   * now on, the first op, forward or backward (eager, or in a step traced with `compile` while it
   * is on), whose output holds a NaN or an infinity that its inputs did not makes the next read
   * (`data()`, `array()`) or `flush()` throw an Error that starts with the op's name and gives its
   * shapes and where it was called. An input that holds one already (an upload, a variable an
   * optimizer wrote) is reported the same way. Every op then costs a small check kernel and a
   * stack trace; off (the default), nothing. Turning it off forgets what was not read yet.
   */
  debugNans(on = true): void {
    checkBoolean('debugNans', 'on', on);
    if (on && !this.nanTracer) this.nanTracer = new NanTracer(this);
    if (!on && this.nanTracer) {
      this.nanTracer.dispose();
      this.nanTracer = null;
    }
  }

  /** True once `destroy()` ran. */
  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Frees the device. The engine cannot be used afterwards. */
  destroy(): void {
    this.destroyed = true;
    this.scalarCache.clear();
    this.constantStorages.clear();
    this.nanTracer = null;
    this.backend.destroy();
  }

  // ---- internals used by ops, tapes and backends -------------------------------------------

  /**
   * @internal Allocates storage for `numel` elements. `writtenBy` 'device': only kernels and
   * device copies will write it (see Backend.alloc); the default allows uploads. A size no buffer
   * can hold, or memory the machine refuses, is an error naming `op` and `shape` (for messages).
   */
  allocStorage(numel: number, writtenBy: 'device' | 'host' = 'host', shape?: Shape, op = this.opName): Storage {
    if (this.destroyed) throw new Error('engine: this engine was destroyed; create a new one with createEngine');
    if (numel > this.limits.maxElements) throw tooLargeError(this.limits, op, shape ?? [numel]);
    let buffer: BackendBuffer;
    try {
      buffer = this.backend.alloc(numel, writtenBy);
    } catch (err) {
      // The CPU backend's typed arrays: "Array buffer allocation failed".
      throw err instanceof RangeError ? allocationFailedError(op, shape ?? [numel], err) : err;
    }
    return new Storage(this, buffer);
  }

  /**
   * @internal Storage viewing `numel` elements of `parent` from element `offset` (a multiple of
   * `backend.viewAlignment`). Optimizers build their parameter arena from views.
   */
  viewStorage(parent: Storage, offset: number, numel: number): Storage {
    return new Storage(this, this.backend.view(parent.buffer, offset, numel), parent.retain());
  }

  /** @internal */
  freeStorage(storage: Storage): void {
    if (!this.destroyed) this.backend.free(storage.buffer);
  }

  /**
   * @internal Copies `numel` elements on the device. Beyond what one kernel binding may see, as a
   * buffer copy (which has no such limit).
   */
  copyStorage(src: Storage, dst: Storage, numel: number): void {
    if (numel > this.limits.maxBinding) this.backend.copyBuffer(src.buffer, dst.buffer, numel);
    else if (numel > 0) this.backend.run('copy', [src.buffer], [dst.buffer], { n: numel, alpha: 0, beta: 0 });
  }

  /** @internal */
  readStorage(storage: Storage, numel: number): Promise<Float32Array | Float64Array> {
    if (this.destroyed) return Promise.reject(new Error('engine: this engine was destroyed; create a new one with createEngine'));
    if (this.tracing) {
      this.tracing.readAttempted = true;
      return Promise.reject(new Error('compile: a compiled function cannot read tensors (no readbacks inside a captured step)'));
    }
    const read = this.backend.read(storage.buffer).then((raw) => (raw.length === numel ? raw : raw.subarray(0, numel)));
    return this.nanTracer === null ? read : Promise.all([read, this.nanTracer.verify()]).then(([raw]) => raw);
  }

  /** @internal Registers a tensor made by an op: tidy scope and the garbage-collection safety net. */
  track<T extends Tensor>(t: T): T {
    this.liveTensors++;
    // Anything made while a tape records may be captured by a backward rule (constants included).
    if (this.recordingTapes.length > 0) t.recordedBy = this.recordingTapes;
    // A tensor made in a tidy scope is disposed when the scope ends, unless it leaves the scope:
    // only then does the garbage collector need to know about it (registering every op's output
    // made the collector the largest cost of a small op).
    const scope = this.scopes[this.scopes.length - 1];
    if (scope) scope.push(t);
    else this.collectWhenUnreachable(t);
    return t;
  }

  /** @internal A tape started or stopped recording (or was made or disposed). */
  tapesChanged(): void {
    this.recordingTapes = this.tapes.filter((tape) => tape.isRecording);
  }

  /** The safety net: a tensor that becomes unreachable without dispose() releases its storage. */
  private collectWhenUnreachable(t: Tensor): void {
    if (t.cell) return;
    t.cell = { storage: t.storage };
    this.collected.register(t, t.cell, t);
  }

  /** @internal */
  onDispose(t: Tensor): void {
    this.liveTensors--;
    if (t.cell) this.collected.unregister(t);
  }

  /** @internal Checks that op inputs are alive and belong to this engine; `op` names later size refusals. */
  checkInputs(op: string, inputs: readonly Tensor[]): void {
    this.opName = op;
    this.assertInputs(op, inputs);
  }

  private assertInputs(op: string, inputs: readonly Tensor[]): void {
    for (let i = 0; i < inputs.length; i++) this.assertInput(op, inputs[i]!);
    this.tracing?.noteInputs(inputs);
  }

  private assertInput(op: string, t: Tensor): void {
    t.assertAlive(op);
    if (t.engine !== this) throw new Error(`${op}: tensors from two different engines cannot be mixed`);
  }

  /** @internal Runs one kernel into a new tensor of the given shape and dtype. */
  runKernel<K extends KernelId>(kernel: K, inputs: readonly Tensor[], shape: Shape, dtype: DType, params: KernelParams<K>): Tensor {
    this.assertInputs(kernel, inputs);
    const size = sizeOf(shape);
    if (size > this.limits.maxBinding || bindsTooMuch(inputs, this.limits.maxBinding)) {
      throw kernelSizeError(this.limits, this.opName, kernel, inputs, [shape]);
    }
    const storage = this.allocStorage(size, 'device', shape);
    if (size > 0) {
      // Backends copy what they keep of these arrays: one array per input count, and one output
      // array, serve every call.
      const buffers = (this.inputBuffers[inputs.length] ??= []);
      for (let i = 0; i < inputs.length; i++) buffers[i] = inputs[i]!.storage.buffer;
      this.oneOutput[0] = storage.buffer;
      try {
        this.backend.run(kernel, buffers, this.oneOutput, params);
      } catch (err) {
        storage.release();
        throw err;
      }
    }
    const out = this.track(new Tensor(this, storage, shape, dtype));
    if (this.recordingTapes.length > 0 || this.nanTracer !== null) {
      // Tapes and the NaN tracer keep nothing of the array; emptied after, so that it does not
      // keep the tensor from the garbage collector's safety net.
      this.oneOutputTensor[0] = out;
      this.noteKernel(kernel, inputs, this.oneOutputTensor);
      this.oneOutputTensor.pop();
    }
    return out;
  }

  /**
   * @internal Runs one kernel that writes several outputs (batch-norm statistics: mean and
   * variance), each into a new tensor of the given shape and dtype, in binding order.
   */
  runKernelOutputs<K extends KernelId>(
    kernel: K,
    inputs: readonly Tensor[],
    outputs: readonly { shape: Shape; dtype: DType }[],
    params: KernelParams<K>,
  ): Tensor[] {
    this.assertInputs(kernel, inputs);
    if (outputs.some((o) => sizeOf(o.shape) > this.limits.maxBinding) || bindsTooMuch(inputs, this.limits.maxBinding)) {
      throw kernelSizeError(this.limits, this.opName, kernel, inputs, outputs.map((o) => o.shape));
    }
    const storages = outputs.map((o) => this.allocStorage(sizeOf(o.shape), 'device', o.shape));
    if (outputs.some((o) => sizeOf(o.shape) > 0)) this.runOrRelease(kernel, inputs, storages, params);
    const outs = outputs.map((o, i) => this.track(new Tensor(this, storages[i]!, o.shape, o.dtype)));
    this.noteKernel(kernel, inputs, outs);
    return outs;
  }

  /**
   * @internal Runs one kernel on storage the caller made: views, for ops that work in chunks
   * (src/ops/chunks.ts). The caller makes the output tensor with `madeBy`.
   */
  runKernelOn<K extends KernelId>(kernel: K, inputs: readonly Storage[], outputs: readonly Storage[], params: KernelParams<K>): void {
    this.backend.run(kernel, inputs.map((s) => s.buffer), outputs.map((s) => s.buffer), params);
  }

  /** @internal The tensor over `storage` that `kernel` wrote from `inputs` (in chunks): tracked as runKernel's. */
  madeBy(kernel: KernelId, inputs: readonly Tensor[], storage: Storage, shape: Shape, dtype: DType): Tensor {
    const out = this.track(new Tensor(this, storage, shape, dtype));
    this.noteKernel(kernel, inputs, [out]);
    return out;
  }

  /** Tells recording tapes which kernel made `outputs`: an op must claim them by recording itself. */
  private noteKernel(kernel: KernelId, inputs: readonly Tensor[], outputs: readonly Tensor[]): void {
    if (this.nanTracer !== null) this.nanTracer.afterKernel(kernel, inputs, outputs);
    for (const tape of this.recordingTapes) tape.noteKernel(kernel, inputs, outputs);
  }

  /** Runs a kernel into `outputs`; a refused or failed dispatch gives their buffers back first. */
  private runOrRelease<K extends KernelId>(kernel: K, inputs: readonly Tensor[], outputs: readonly Storage[], params: KernelParams<K>): void {
    try {
      this.backend.run(kernel, inputs.map((t) => t.storage.buffer), outputs.map((s) => s.buffer), params);
    } catch (err) {
      for (const s of outputs) s.release();
      throw err;
    }
  }

  /** @internal A tensor viewing `src`'s storage with another shape (reshape): no kernel runs. */
  view(src: Tensor, shape: Shape, dtype: DType = src.dtype): Tensor {
    // No kernel runs: the op that reshapes stays the one size refusals name.
    this.assertInputs('reshape', [src]);
    return this.track(new Tensor(this, src.storage.retain(), shape, dtype));
  }

  /** @internal A cached scalar constant for `x.mul(2)`-style operands; never disposed by users. */
  constant(value: number, dtype: DType = 'float32'): Tensor {
    const key = `${dtype}:${Object.is(value, -0) ? '-0' : value}`;
    let t = this.scalarCache.get(key);
    if (!t) {
      const scopes = this.scopes;
      this.scopes = [];
      t = this.scalar(value, dtype);
      this.scopes = scopes;
      this.scalarCache.set(key, t);
      this.constantStorages.set(t.storage, { value, dtype });
    }
    return t;
  }

  /** @internal The scalar constant held by `storage` (`e.constant`), if it is one. */
  constantOf(storage: Storage): { value: number; dtype: DType } | undefined {
    return this.constantStorages.size === 0 ? undefined : this.constantStorages.get(storage);
  }

  /** @internal The scalar constant whose buffer is `b`, if any. */
  constantOfBuffer(b: BackendBuffer): { value: number; dtype: DType } | undefined {
    for (const [storage, c] of this.constantStorages) if (storage.buffer === b) return { value: c.value, dtype: c.dtype };
    return undefined;
  }

  /**
   * @internal Whether a backward pass may be replayed (src/autodiff/backward_replay.ts): not
   * while another tape records it (grad of grad), the NaN tracer watches kernels, or a step is
   * traced (those need the ops themselves).
   */
  get replaysBackward(): boolean {
    return this.backwardReplays.enabled && this.recordingTapes.length === 0 && this.nanTracer === null && this.tracing === null && !this.destroyed;
  }

  /** @internal Runs `fn` with every backend call going to `backend` (which passes them on). */
  withBackend<T>(backend: Backend, fn: () => T): T {
    const own = this.backend;
    (this as unknown as { backend: Backend }).backend = backend;
    try {
      return fn();
    } finally {
      (this as unknown as { backend: Backend }).backend = own;
    }
  }

  /** @internal Turns numbers into constants; checks tensors. */
  toTensor(op: string, x: TensorLike, dtype: DType = 'float32'): Tensor {
    if (x instanceof Tensor) {
      // checkInputs without an array per operand (binary ops call this twice per op).
      this.opName = op;
      this.assertInput(op, x);
      this.tracing?.noteInputs([x]);
      return x;
    }
    if (typeof x !== 'number') throw new Error(`${op}: expected a tensor or a number, got ${typeof x}`);
    return this.constant(x, dtype);
  }

  /** @internal Whether any tape records right now (ops skip building backward closures otherwise). */
  get isRecording(): boolean {
    return this.recordingTapes.length > 0;
  }

  /** @internal Records `out = op(inputs)` with its backward rule on every recording tape. */
  record(op: string, out: Tensor, inputs: readonly Tensor[], backward: GradFn): void {
    // The NaN tracer names the forward op of what a backward rule runs.
    if (this.nanTracer !== null && backward !== constantOutput) backward = this.nanTracer.wrapBackward(op, backward);
    for (const tape of this.recordingTapes) tape.record(op, out, inputs, backward);
  }

  /** @internal As `record`, with a rule of the gradient table and the op's saved context. */
  recordRule(op: string, out: Tensor, inputs: readonly Tensor[], rule: (ctx: unknown, dy: Tensor, needed: readonly boolean[]) => (Tensor | null)[], ctx: unknown): void {
    if (this.nanTracer !== null) {
      this.record(op, out, inputs, (dy, needed) => rule(ctx, dy, needed));
      return;
    }
    for (const tape of this.recordingTapes) tape.recordRule(op, out, inputs, rule, ctx);
  }

  /** @internal Runs `fn` with this engine as the default for ops given only numbers. */
  withDefault<T>(fn: () => T): T {
    activeEngines.push(this);
    try {
      return fn();
    } finally {
      activeEngines = activeEngines.filter((e, i) => !(e === this && i === activeEngines.lastIndexOf(this)));
    }
  }
}

/** The tape still recording that recorded `t`, if any (a tidy scope's end hands `t` to it). */
function recordingOwner(t: Tensor): GradientTape | undefined {
  const tapes = t.recordedBy;
  if (tapes === undefined) return undefined;
  for (let i = 0; i < tapes.length; i++) if (tapes[i]!.isRecording) return tapes[i];
  return undefined;
}

/** Whether an input's buffer is larger than one kernel binding may see. */
function bindsTooMuch(inputs: readonly Tensor[], maxBinding: number): boolean {
  for (const t of inputs) if (t.storage.buffer.numel > maxBinding) return true;
  return false;
}

function collectTensors(x: unknown, into: Set<Tensor>): void {
  if (x instanceof Tensor) into.add(x);
  else if (Array.isArray(x)) for (const v of x) collectTensors(v, into);
  else if (x && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    for (const v of Object.values(x)) collectTensors(v, into);
  }
}
