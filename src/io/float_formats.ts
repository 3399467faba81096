/**
 * Decoding of stored number formats into float32 values: IEEE half and bfloat16 have no typed
 * array of their own, so they are widened here bit by bit.
 */

/** IEEE 754 binary16 bits -> the float value (subnormals, infinities and NaN included). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** bfloat16 bits -> the float value: the upper half of a float32. */
export function bfloat16ToFloat(bits: number, scratch: DataView): number {
  scratch.setUint32(0, (bits & 0xffff) << 16, true);
  return scratch.getFloat32(0, true);
}

/** Bytes per element and a little-endian reader for each stored element type. */
export interface ElementFormat {
  bytes: number;
  read: (view: DataView, offset: number) => number;
}

const scratch = new DataView(new ArrayBuffer(4));

/** safetensors' dtype names -> how to read them. */
export const safetensorsFormats: Record<string, ElementFormat> = {
  F64: { bytes: 8, read: (v, o) => v.getFloat64(o, true) },
  F32: { bytes: 4, read: (v, o) => v.getFloat32(o, true) },
  F16: { bytes: 2, read: (v, o) => halfToFloat(v.getUint16(o, true)) },
  BF16: { bytes: 2, read: (v, o) => bfloat16ToFloat(v.getUint16(o, true), scratch) },
  I64: { bytes: 8, read: (v, o) => Number(v.getBigInt64(o, true)) },
  I32: { bytes: 4, read: (v, o) => v.getInt32(o, true) },
  I16: { bytes: 2, read: (v, o) => v.getInt16(o, true) },
  I8: { bytes: 1, read: (v, o) => v.getInt8(o) },
  U64: { bytes: 8, read: (v, o) => Number(v.getBigUint64(o, true)) },
  U32: { bytes: 4, read: (v, o) => v.getUint32(o, true) },
  U16: { bytes: 2, read: (v, o) => v.getUint16(o, true) },
  U8: { bytes: 1, read: (v, o) => v.getUint8(o) },
  BOOL: { bytes: 1, read: (v, o) => (v.getUint8(o) ? 1 : 0) },
};

const littleEndianHost = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** `count` elements of `format` at `offset` of `bytes`, as float32. */
export function decodeElements(bytes: Uint8Array, offset: number, count: number, dtype: string): Float32Array {
  const format = safetensorsFormats[dtype]!;
  const start = bytes.byteOffset + offset;
  // Fast path: float32 on a little-endian host is a byte copy (slice also fixes misalignment).
  if (dtype === 'F32' && littleEndianHost) return new Float32Array(bytes.buffer.slice(start, start + count * 4));
  const view = new DataView(bytes.buffer, start, count * format.bytes);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = format.read(view, i * format.bytes);
  return out;
}
