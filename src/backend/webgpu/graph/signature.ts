/**
 * The structural signature of a recorded graph: a flat list of numbers that says everything a
 * compiled plan depends on (kernel ids, parameters, which buffer each node reads and writes,
 * buffer sizes, which buffers are still live at the boundary), appended to as nodes are recorded.
 * Two recordings with equal signatures compile to the same plan, so the plan cache keys by the
 * hash and confirms a hit by comparing the lists (no false hit, whatever the hash does). Strings
 * (kernel ids, parameter names) are interned to small integers.
 *
 * A loop records the same graph again and again: a signature can be told what to expect (the
 * signature of the plan that ran last time at this point) and then only compares what is pushed
 * with it, writing nothing, until the first difference, where it copies the matched prefix and
 * goes on writing (`onDiverge` lets the recording catch up at that moment).
 */

const interned = new Map<string, number>();

/** A small integer standing for `s`, the same for the whole process. */
export function intern(s: string): number {
  let id = interned.get(s);
  if (id === undefined) {
    id = interned.size + 1;
    interned.set(s, id);
  }
  return id;
}

// Markers that keep differently shaped values apart (an array of two numbers is not two numbers).
const ARRAY = -1.5;
const OBJECT = -2.5;
const STRING = -3.5;
const TRUE = -4.5;
const FALSE = -5.5;
const NULL = -6.5;

/** Object.is on numbers: NaN equals NaN, -0 differs from 0 (a parameter baked into code keeps its sign). */
function same(a: number, b: number): boolean {
  return a === b ? a !== 0 || 1 / a === 1 / b : a !== a && b !== b;
}

/**
 * True when `a` and `b` are parameter values `pushValue` encodes alike: numbers by Object.is,
 * strings and booleans by value, null and undefined alike, arrays and plain objects member by
 * member (objects' defined members, in either order: a kernel reads its params by name).
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return typeof a !== 'number' || a !== 0 || 1 / a === 1 / (b as number);
  if (typeof a === 'number') return typeof b === 'number' && a !== a && b !== b;
  if (a === null || a === undefined) return b === null || b === undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || b === null) return false;
  const arrayA = Array.isArray(a) || ArrayBuffer.isView(a);
  if (arrayA !== (Array.isArray(b) || ArrayBuffer.isView(b))) return false;
  if (arrayA) {
    const x = a as ArrayLike<unknown>;
    const y = b as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameValue(x[i], y[i])) return false;
    return true;
  }
  let defined = 0;
  for (const k in a as Record<string, unknown>) {
    const v = (a as Record<string, unknown>)[k];
    if (v === undefined) continue;
    defined++;
    const w = (b as Record<string, unknown>)[k];
    if (w === undefined || !sameValue(v, w)) return false;
  }
  for (const k in b as Record<string, unknown>) if ((b as Record<string, unknown>)[k] !== undefined) defined--;
  return defined === 0;
}

/** A growing list of numbers, written or compared with an expected list. */
export class Signature {
  // Small at first: a recording that matches its expected plan writes nothing here, and every
  // step of an eager loop makes a new one (8 KB zeroed per step showed in a small step's profile).
  private data = new Float64Array(64);
  length = 0;
  private expected: Float64Array | null = null;
  private expectedLength = 0;
  /** Called once when a compared signature first differs (before the differing value is written). */
  onDiverge: (() => void) | null = null;
  private hashed = -1;
  private hashValue = 0;

  /** Compares what is pushed from now on with `other` (an empty signature only). */
  expect(other: Signature): void {
    this.expected = other.data;
    this.expectedLength = other.length;
  }

  /** True while every number pushed matched the expected signature. */
  get matching(): boolean {
    return this.expected !== null;
  }

  /** True when everything pushed matched the expected signature, and nothing of it is left over. */
  get matchesExpected(): boolean {
    return this.expected !== null && this.length === this.expectedLength;
  }

  /** How many numbers of the expected signature are left to match (0 when not matching). */
  get expectedLeft(): number {
    return this.expected === null ? 0 : this.expectedLength - this.length;
  }

  /** A 32-bit hash of the numbers (FNV-1a over their float64 words), computed when asked. */
  get hash(): number {
    if (this.hashed !== this.length) {
      this.diverge();
      const words = new Uint32Array(this.data.buffer, 0, this.length * 2);
      let h = 0x811c9dc5;
      for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i]!, 16777619);
      this.hashValue = h >>> 0;
      this.hashed = this.length;
    }
    return this.hashValue;
  }

  /** Appends one number. */
  push(x: number): void {
    const at = this.length;
    if (this.expected !== null) {
      if (at < this.expectedLength) {
        const e = this.expected[at]!;
        if ((e === x && x !== 0) || same(e, x)) {
          this.length = at + 1;
          return;
        }
      }
      this.diverge();
    }
    if (at === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[at] = x;
    this.length = at + 1;
  }

  /** Stops comparing: the matched prefix becomes this signature's own numbers. */
  diverge(): void {
    if (this.expected === null) return;
    this.writeOut();
    this.onDiverge?.();
  }

  /** Copies the matched prefix of the expected signature into this one's storage. */
  private writeOut(): void {
    const expected = this.expected;
    if (expected === null) return;
    this.expected = null;
    if (this.data.length < this.length) this.data = new Float64Array(Math.max(64, 2 ** Math.ceil(Math.log2(this.length + 1))));
    this.data.set(expected.subarray(0, this.length));
  }

  /**
   * Appends a parameter value: numbers, booleans, strings, null/undefined, arrays and plain
   * objects of those (kernel parameters are such values).
   */
  pushValue(v: unknown): void {
    if (typeof v === 'number') this.push(v);
    else if (typeof v === 'boolean') this.push(v ? TRUE : FALSE);
    else if (typeof v === 'string') {
      this.push(STRING);
      this.push(intern(v));
    } else if (v === null || v === undefined) this.push(NULL);
    else if (Array.isArray(v) || ArrayBuffer.isView(v)) {
      const a = v as ArrayLike<unknown>;
      this.push(ARRAY);
      this.push(a.length);
      for (let i = 0; i < a.length; i++) this.pushValue(a[i]);
    } else {
      this.push(OBJECT);
      let keys = 0;
      for (const k in v as Record<string, unknown>) {
        const value = (v as Record<string, unknown>)[k];
        if (value === undefined) continue;
        keys++;
        this.push(intern(k));
        this.pushValue(value);
      }
      this.push(keys);
    }
  }

  /**
   * Steps over `n` numbers of the expected signature (the caller knows they are what it would
   * push). False, and nothing done, when not matching or fewer than `n` are left.
   */
  skip(n: number): boolean {
    if (this.expected === null || this.length + n > this.expectedLength) return false;
    this.length += n;
    return true;
  }

  /** True when `other` holds the same numbers. */
  equals(other: Signature): boolean {
    if (other.length !== this.length) return false;
    this.diverge();
    other.diverge();
    const a = this.data;
    const b = other.data;
    for (let i = 0; i < this.length; i++) if (!same(a[i]!, b[i]!)) return false;
    return true;
  }

  /** A trimmed copy, for keeping in the plan cache. */
  snapshot(): Signature {
    this.diverge();
    const s = new Signature();
    s.data = this.data.slice(0, Math.max(this.length, 1));
    s.length = this.length;
    return s;
  }
}
