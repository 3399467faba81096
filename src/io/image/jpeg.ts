/** JPEG decoding with jpeg-js (pure JavaScript: Node and browsers). */
import decodeJpegBytes from 'jpeg-js/lib/decoder.js';
import type { RasterImage } from './png.js';

/** Decodes a JPEG file into 8-bit RGB pixels (HWC). Throws, saying so, when the bytes are not a JPEG. */
export function decodeJpeg(bytes: Uint8Array | ArrayBuffer): RasterImage & { data: Uint8Array; channels: 3 } {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (data[0] !== 0xff || data[1] !== 0xd8) throw new Error('decodeJpeg: not a JPEG file (it does not start with FF D8)');
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = decodeJpegBytes(data, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 1024 });
  } catch (err) {
    throw new Error(`decodeJpeg: the JPEG could not be decoded (${err instanceof Error ? err.message : String(err)})`);
  }
  return { width: decoded.width, height: decoded.height, channels: 3, data: decoded.data };
}
