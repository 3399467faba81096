/**
 * The structural key of a backward pass (backward_replay.ts): everything the tape's backward
 * rules read besides the values in device memory. Two tapes with equal keys run the same
 * backward rules on the same shapes, so they make the same backend calls, only on other buffers.
 *
 * What a rule can see, and so what the key holds, entry by entry in recording order:
 * - the op's name (its rule is the op's entry of the gradient table) or the constant-output mark;
 * - its saved context: numbers, booleans, strings, arrays and plain objects by value, tensors by
 *   reference. A context holding anything else (a function, a class instance) makes the tape
 *   not replayable: the key could not say what it does;
 * - its inputs and output by reference.
 * A reference is the tensor's index among those seen so far; a tensor seen for the first time
 * describes itself: its storage (shared by views), its shape, dtype and whether it was disposed.
 * A storage describes its buffer's size, its known value range, its parent, and whether it is
 * one of the engine's scalar constants (a rule may use the constant itself, which stays the same
 * buffer, rather than the tensor at that place).
 * Then the target, the sources and the seed.
 *
 * Kernels that ran without an op recording them make the tape not replayable: the backward pass
 * must run to raise its error about them.
 */
import type { Engine } from '../engine.js';
import { intern, Signature } from '../backend/webgpu/graph/signature.js';
import { Tensor, type Storage } from '../tensor.js';

/** An event of a tape as the key reads it (tape.ts's Entry and KernelRun). */
export type KeyedEvent =
  | { kind: 'op'; op: string; out: Tensor; inputs: readonly Tensor[]; backward: unknown; rule?: unknown; ctx?: unknown }
  | { kind: 'kernel'; unclaimed: readonly Tensor[] };

/**
 * A key, with what a replay binds: the storages in the order the key met them, whose buffers are
 * a replay's external buffers. (Each storage owns its buffer object, so the key names buffers by
 * their storage; a capture that finds one buffer under two storages is not kept.)
 */
export interface BackwardKey {
  readonly signature: Signature;
  /** Every storage the key met, first-seen order. */
  readonly storages: Storage[];
  /** The index of a storage in `storages`, if the key met it (valid until the next key is built). */
  storageIndexOf(st: Storage): number | undefined;
}

// Markers: negative non-integers, apart from the indices and counts the key holds.
const ENTRY = -20.5;
const RULE = -21.5;
const CONSTANT_OUTPUT = -22.5;
const NEW_TENSOR = -23.5;
const NEW_STORAGE = -24.5;
const ENGINE_CONSTANT = -26.5;
const NUMBER = -27.5;
const TRUE = -28.5;
const FALSE = -29.5;
const STRING = -30.5;
const NONE = -31.5;
const ARRAY = -32.5;
const OBJECT = -33.5;
const TARGET = -35.5;
const RANGE = -36.5;
const PARENT = -37.5;

const dtypeCodes: Record<string, number> = { float32: 1, int32: 2, bool: 3 };

/** Thrown inside the builder when the tape holds something the key cannot describe. */
const notReplayable = Symbol('not replayable');

/** Numbers the key builds: a tensor or storage stamped with the current one was met by it. */
let builds = 0;

class KeyBuilder implements BackwardKey {
  readonly signature = new Signature();
  readonly storages: Storage[] = [];
  private tensors = 0;
  // Stamps on the objects instead of maps: a force-loss step's key meets about 20,000 tensors.
  private readonly build = ++builds;

  constructor(private readonly engine: Engine) {}

  /** The index of `st` in `storages`, if this key met it. */
  storageIndexOf(st: Storage): number | undefined {
    return st.keyBuild === this.build ? st.keyIndex : undefined;
  }

  tensor(t: Tensor): void {
    const s = this.signature;
    if (t.keyBuild === this.build) {
      s.push(t.keyIndex);
      return;
    }
    t.keyBuild = this.build;
    t.keyIndex = this.tensors++;
    s.push(NEW_TENSOR);
    this.storage(t.storage);
    const shape = t.shape;
    // The rank, with the dtype and whether it was disposed as eighths (2..7), in one number;
    // then the dimensions.
    s.push(shape.length + (dtypeCodes[t.dtype]! * 2 + (t.isDisposed ? 1 : 0)) / 8);
    for (let i = 0; i < shape.length; i++) s.push(shape[i]!);
  }

  private storage(st: Storage): void {
    const s = this.signature;
    if (st.keyBuild === this.build) {
      s.push(st.keyIndex);
      return;
    }
    st.keyBuild = this.build;
    st.keyIndex = this.storages.push(st) - 1;
    s.push(NEW_STORAGE);
    const constant = this.engine.constantOf(st);
    if (constant !== undefined) {
      s.push(ENGINE_CONSTANT);
      s.push(constant.value);
      s.push(dtypeCodes[constant.dtype]!);
    }
    s.push(st.buffer.numel);
    const range = st.valueRange;
    if (range) {
      s.push(RANGE);
      s.push(range.min);
      s.push(range.max);
      s.push(range.integers ? TRUE : FALSE);
      s.push(range.exact ? TRUE : FALSE);
    }
    if (st.parent) {
      s.push(PARENT);
      this.storage(st.parent);
    }
  }

  /** A saved context: values by value, tensors by reference (see the file comment). */
  value(v: unknown): void {
    const s = this.signature;
    if (typeof v === 'number') {
      s.push(NUMBER);
      s.push(v);
    } else if (v instanceof Tensor) {
      // No marker: a tensor is a reference (a count, >= 0) or NEW_TENSOR, and every other kind
      // of value starts with a negative non-integer marker.
      this.tensor(v);
    } else if (typeof v === 'boolean') s.push(v ? TRUE : FALSE);
    else if (v === undefined || v === null) s.push(NONE);
    else if (typeof v === 'string') {
      s.push(STRING);
      s.push(intern(v));
    } else if (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))) {
      const a = v as ArrayLike<unknown>;
      s.push(ARRAY);
      s.push(a.length);
      for (let i = 0; i < a.length; i++) this.value(a[i]);
    } else if (typeof v === 'object' && isPlain(v)) {
      s.push(OBJECT);
      for (const k in v as Record<string, unknown>) {
        s.push(intern(k));
        this.value((v as Record<string, unknown>)[k]);
      }
      s.push(OBJECT);
    } else throw notReplayable;
  }
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The key of a backward pass from `target` to `sources` over `events`, or null when the tape
 * cannot be replayed. `constantOutput`: the backward function of constant outputs (tape.ts).
 * `expected`: the key met last, compared instead of written while equal.
 */
export function backwardKey(
  engine: Engine,
  events: readonly KeyedEvent[],
  target: Tensor,
  sources: readonly Tensor[],
  seed: Tensor | undefined,
  constantOutput: unknown,
  expected: Signature | null,
): BackwardKey | null {
  const key = new KeyBuilder(engine);
  const s = key.signature;
  if (expected) s.expect(expected);
  try {
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (event.kind === 'kernel') {
        if (event.unclaimed.length > 0) return null;
        continue;
      }
      s.push(ENTRY);
      s.push(intern(event.op));
      if (event.rule !== undefined) s.push(RULE);
      else if (event.backward === constantOutput) s.push(CONSTANT_OUTPUT);
      else return null;
      const inputs = event.inputs;
      s.push(inputs.length);
      for (let k = 0; k < inputs.length; k++) key.tensor(inputs[k]!);
      key.tensor(event.out);
      if (event.rule !== undefined) key.value(event.ctx);
    }
    s.push(TARGET);
    key.tensor(target);
    s.push(sources.length);
    for (const src of sources) key.tensor(src);
    if (seed) key.tensor(seed);
    else s.push(NONE);
  } catch (err) {
    if (err === notReplayable) return null;
    throw err;
  }
  return key;
}
