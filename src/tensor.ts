import type { BackendBuffer } from './backend/backend.js';
import type { Engine } from './engine.js';
import type { GradientTape } from './autodiff/tape.js';
import { fmt, frozenShape, shapesEqual, sizeOf, type Shape } from './shape.js';
import type { TensorValues, ValueRange } from './values.js';
import { verifyDeviceChecks } from './ops/device_checks.js';

/**
 * Element types. Every dtype is stored as 32-bit floats on the device (as TensorFlow.js's WebGL
 * backend does): int32 values are exact up to 2^24, bool is 0/1. The dtype decides how results are
 * typed and rounded, not how kernels read memory, so one kernel serves all three.
 */
export type DType = 'float32' | 'int32' | 'bool';

/** Nested arrays of numbers (or booleans), as accepted by `e.tensor` and returned by `array()`. */
export type NestedArray = number | boolean | readonly NestedArray[];

/**
 * A device buffer shared by tensors that view the same elements (reshape, squeeze, expandDims).
 * Freed when the last tensor using it is disposed or collected.
 */
export class Storage {
  refs = 1;
  /** @internal The backward key (src/autodiff/backward_key.ts) that met this storage last, and its index there. */
  keyBuild = 0;
  keyIndex = 0;
  /**
   * Bounds of the values, known without a readback: those uploaded by `e.tensor`, kept by ops
   * that only move values (slices, gathers, transposes). Ops that need values in a range (class
   * labels) check them with it (src/ops/device_checks.ts). Views share it; other storage has none.
   */
  valueRange: ValueRange | undefined;
  constructor(
    readonly engine: Engine,
    readonly buffer: BackendBuffer,
    /** For views into an arena: the storage they live in, kept alive while they are. */
    readonly parent?: Storage,
  ) {}

  retain(): this {
    this.refs++;
    return this;
  }

  release(): void {
    if (--this.refs === 0) {
      this.engine.freeStorage(this);
      this.parent?.release();
    }
  }
}

let nextTensorId = 1;

/** A handle to an immutable array of numbers on one engine's device. */
export class Tensor {
  /** Unique within the process; used by tapes and caches. */
  readonly id = nextTensorId++;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly engine: Engine;
  private heldStorage: Storage;
  /**
   * @internal For tensors the garbage collector watches (those that leave every tidy scope): the
   * engine's FinalizationRegistry keeps this cell (not the tensor) so that a tensor whose storage
   * was swapped (a variable moved into an optimizer's arena, a step capture's result) still
   * releases what it holds when it is collected. Made only then: most tensors never need it.
   */
  cell: { storage: Storage } | null = null;
  /** @internal Tapes that were recording when this tensor was made (they may need it later). */
  recordedBy: GradientTape[] | undefined;
  private disposedFlag = false;
  /** @internal The backward key (src/autodiff/backward_key.ts) that met this tensor last, and its index there. */
  keyBuild = 0;
  keyIndex = 0;

  /** @internal Use `e.tensor`, `e.variable` or an op to make tensors. */
  constructor(engine: Engine, storage: Storage, shape: Shape, dtype: DType) {
    this.engine = engine;
    this.heldStorage = storage;
    // Shapes are immutable: small ones are shared per shape, one already frozen (another
    // tensor's) is kept, others are frozen copies (frozenShape).
    this.shape = frozenShape(shape);
    this.dtype = dtype;
  }

  /** @internal Device storage; replaced only by `Variable.assign`, optimizers and step capture. */
  get storage(): Storage {
    return this.heldStorage;
  }

  set storage(storage: Storage) {
    this.heldStorage = storage;
    if (this.cell) this.cell.storage = storage;
  }

  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** True once `dispose()` ran (or the tensor's tidy scope ended). */
  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /** True for trainable variables made by `e.variable`. */
  get isVariable(): boolean {
    return false;
  }

  /** Releases the device memory. Idempotent; using the tensor afterwards throws. */
  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    this.engine.onDispose(this);
    this.storage.release();
  }

  /** Throws a clear error if the tensor was disposed; `op` names the caller. */
  assertAlive(op: string): void {
    if (this.disposedFlag) {
      throw new Error(`${op}: tensor #${this.id} of shape ${fmt(this.shape)} was disposed`);
    }
  }

  /**
   * Reads the values back (one GPU readback). int32 and bool values arrive as floats. A device
   * check that failed since the last read (a class label out of range) rejects it, naming the op.
   */
  async data(): Promise<Float32Array> {
    this.assertAlive('data');
    const e = this.engine;
    let raw: Float32Array | Float64Array;
    try {
      [raw] = await Promise.all([e.readStorage(this.storage, this.size), verifyDeviceChecks(e)]);
    } catch (err) {
      // The device (and with it the pending copy) went away: say why, not "AbortError".
      if (e.isDestroyed) throw new Error(`data: the engine was destroyed while reading ${this}; create a new one with createEngine`);
      throw err;
    }
    return raw instanceof Float32Array ? raw : Float32Array.from(raw);
  }

  /** Reads the values back as nested arrays (numbers; booleans for dtype bool). */
  async array(): Promise<NestedArray> {
    const flat = await this.data();
    const cast = (v: number): number | boolean => (this.dtype === 'bool' ? v !== 0 : v);
    if (this.rank === 0) return cast(flat[0]!);
    const build = (dim: number, offset: number): NestedArray[] => {
      const n = this.shape[dim]!;
      const inner = sizeOf(this.shape.slice(dim + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < n; i++) {
        out.push(dim === this.rank - 1 ? cast(flat[offset + i]!) : build(dim + 1, offset + i * inner));
      }
      return out;
    };
    return build(0, 0);
  }

  toString(): string {
    return `Tensor#${this.id}(${this.dtype} ${fmt(this.shape)})`;
  }
}

/** A trainable tensor whose values can be replaced in place (optimizers write into it). */
export class Variable extends Tensor {
  /** Whether optimizers and `trainableVariables` include it. */
  trainable: boolean;
  /** A name for state dicts and error messages. */
  readonly name: string;

  /** @internal Use `e.variable`. */
  constructor(engine: Engine, storage: Storage, shape: Shape, dtype: DType, name: string, trainable: boolean) {
    super(engine, storage, shape, dtype);
    this.name = name;
    this.trainable = trainable;
  }

  override get isVariable(): boolean {
    return true;
  }

  /** Copies `value` (same shape; numbers and arrays fill this shape) into this variable's storage, on the device. */
  assign(value: Tensor | TensorValues): this {
    this.assertAlive('assign');
    const src = value instanceof Tensor ? value : this.engine.tensor(value, this.shape as number[]);
    src.assertAlive('assign');
    if (src.engine !== this.engine) throw new Error(`assign: variable '${this.name}' and the value belong to different engines`);
    if (!shapesEqual(src.shape, this.shape)) {
      throw new Error(`assign: variable '${this.name}' has shape ${fmt(this.shape)} but the value has shape ${fmt(src.shape)}`);
    }
    this.engine.tracing?.noteInputs([this]);
    // Views (reshape) share storage; copy-on-write keeps them immutable. A variable that lives in
    // an optimizer's parameter arena (its storage has a parent) is written in place instead: the
    // optimizer's kernels update it in place too, so views of it alias it either way.
    if (this.storage.refs > 1 && !this.storage.parent) {
      this.storage.release();
      this.storage = this.engine.allocStorage(this.size, 'device');
    }
    this.engine.copyStorage(src.storage, this.storage, this.size);
    if (src !== value) src.dispose();
    return this;
  }
}
