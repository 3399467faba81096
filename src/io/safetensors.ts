import { decodeElements, safetensorsFormats } from './float_formats.js';

/** One tensor of a safetensors file, widened to float32. */
export interface StoredTensor {
  /** The dtype stored in the file (F32, F16, BF16, F64, I32...); `data` is float32 whatever it is. */
  dtype: string;
  shape: number[];
  data: Float32Array;
}

/** A tensor to save: float32 values and their shape (row-major). */
export interface TensorToSave {
  shape: readonly number[];
  data: Float32Array;
}

/** Parsed safetensors header entry. */
interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Reads a safetensors file (Hugging Face's format: an 8-byte little-endian header length, a JSON
 * header, then the raw little-endian data). Every tensor comes back as float32 whatever its
 * stored dtype; `metadata` is the header's `__metadata__`. Pure byte work: Node and browsers.
 */
export function loadSafetensors(bytes: Uint8Array | ArrayBuffer): Map<string, StoredTensor> {
  return readSafetensors(bytes).tensors;
}

/** `loadSafetensors` plus the file's `__metadata__` (string to string). */
export function readSafetensors(input: Uint8Array | ArrayBuffer): { tensors: Map<string, StoredTensor>; metadata: Record<string, string> } {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.length < 8) throw new Error(`loadSafetensors: ${bytes.length} bytes is too short for a safetensors file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8) {
    throw new Error(`loadSafetensors: the header claims ${headerLength} bytes but the file has ${bytes.length - 8} after the length`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`loadSafetensors: the header is not valid JSON (${String(err)}); is this a safetensors file?`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) throw new Error('loadSafetensors: the header is not a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const tensors = new Map<string, StoredTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (value ?? {}) as Record<string, string>;
      continue;
    }
    const entry = checkEntry(name, value, dataLength);
    const count = product(entry.shape);
    tensors.set(name, {
      dtype: entry.dtype,
      shape: entry.shape,
      data: decodeElements(bytes, dataStart + entry.data_offsets[0], count, entry.dtype),
    });
  }
  return { tensors, metadata };
}

function checkEntry(name: string, value: unknown, dataLength: number): HeaderEntry {
  const e = value as Partial<HeaderEntry> | null;
  const where = `loadSafetensors: tensor '${name}'`;
  if (!e || typeof e.dtype !== 'string' || !Array.isArray(e.shape) || !Array.isArray(e.data_offsets) || e.data_offsets.length !== 2) {
    throw new Error(`${where}: the header entry needs dtype, shape and data_offsets, got ${JSON.stringify(value)}`);
  }
  const format = safetensorsFormats[e.dtype];
  if (!format) throw new Error(`${where}: unsupported dtype ${e.dtype} (supported: ${Object.keys(safetensorsFormats).join(', ')})`);
  if (e.shape.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`${where}: invalid shape ${JSON.stringify(e.shape)}`);
  const [begin, end] = e.data_offsets;
  const expected = product(e.shape) * format.bytes;
  if (!Number.isInteger(begin) || !Number.isInteger(end) || begin! < 0 || end! > dataLength || end! - begin! !== expected) {
    throw new Error(
      `${where}: data_offsets [${begin}, ${end}] do not hold ${expected} bytes of ${e.dtype} [${e.shape.join(',')}] inside ${dataLength} bytes of data`,
    );
  }
  return e as HeaderEntry;
}

/**
 * Writes float32 tensors as a safetensors file, in the order given; `metadata` goes into
 * `__metadata__`. The header is padded with spaces to a multiple of 8 bytes, as the reference
 * implementation does, so the data is aligned.
 */
export function saveSafetensors(
  tensors: ReadonlyMap<string, TensorToSave> | Readonly<Record<string, TensorToSave>>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors as Record<string, TensorToSave>);
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of entries) {
    if (name === '__metadata__') throw new Error(`saveSafetensors: '__metadata__' is reserved and cannot name a tensor`);
    if (!(t.data instanceof Float32Array)) throw new Error(`saveSafetensors: tensor '${name}' must hold a Float32Array`);
    if (product(t.shape) !== t.data.length) {
      throw new Error(`saveSafetensors: tensor '${name}' has ${t.data.length} values for shape [${t.shape.join(',')}]`);
    }
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const withSpaces = new Uint8Array(padded).fill(0x20);
    withSpaces.set(json);
    json = withSpaces;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const [, t] of entries) {
    // Bytes of a Float32Array are little-endian on every host that runs WebGPU.
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}
