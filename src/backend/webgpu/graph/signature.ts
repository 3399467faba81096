/**
 * The structural signature of a recorded graph: a flat list of numbers that says everything a
 * compiled plan depends on (kernel ids, parameters, which buffer each node reads and writes,
 * buffer sizes, which buffers are still live at the boundary), appended to as nodes are recorded
 * and hashed as it grows. Two recordings with equal signatures compile to the same plan, so the
 * plan cache keys by the hash and confirms a hit by comparing the lists (no false hit, whatever
 * the hash does). Strings (kernel ids, parameter names) are interned to small integers.
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

const hashScratch = new Float64Array(1);
const hashWords = new Uint32Array(hashScratch.buffer);

/** A growing list of numbers with a running 32-bit hash (FNV-1a over the float64 words). */
export class Signature {
  private data = new Float64Array(1024);
  length = 0;
  private h = 0x811c9dc5;

  /** The hash of everything pushed so far. */
  get hash(): number {
    return this.h >>> 0;
  }

  /** Appends one number. */
  push(x: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = x;
    let h = this.h;
    if ((x | 0) === x && (x !== 0 || 1 / x > 0)) {
      h = Math.imul(h ^ (x & 0xffff), 16777619);
      h = Math.imul(h ^ (x >>> 16), 16777619);
    } else {
      hashScratch[0] = x;
      h = Math.imul(h ^ hashWords[0]!, 16777619);
      h = Math.imul(h ^ hashWords[1]!, 16777619);
    }
    this.h = h;
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

  /** True when `other` holds the same numbers. */
  equals(other: Signature): boolean {
    if (other.length !== this.length || other.h !== this.h) return false;
    const a = this.data;
    const b = other.data;
    for (let i = 0; i < this.length; i++) {
      const x = a[i]!;
      const y = b[i]!;
      // As Object.is: NaN equals NaN, and -0 differs from 0 (a parameter baked into generated
      // code keeps its sign).
      if (x === y ? x === 0 && 1 / x !== 1 / y : !(x !== x && y !== y)) return false;
    }
    return true;
  }

  /** A trimmed copy, for keeping in the plan cache. */
  snapshot(): Signature {
    const s = new Signature();
    s.data = this.data.slice(0, this.length);
    s.length = this.length;
    s.h = this.h;
    return s;
  }

  /** Empties the list for the next recording (keeps its storage). */
  clear(): void {
    this.length = 0;
    this.h = 0x811c9dc5;
  }
}
