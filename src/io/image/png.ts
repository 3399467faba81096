/**
 * A small PNG encoder (8-bit greyscale or RGB, no filtering, stored deflate blocks): enough for
 * before/after images of the attack, with no dependency, in Node and browsers.
 */
import { crc32 } from './checksums.js';
import { zlibStored } from './zlib_stored.js';

/** An image to encode: `height` rows of `width` pixels of `channels` values each. */
export interface RasterImage {
  width: number;
  height: number;
  /** 1: greyscale, 3: RGB. */
  channels: 1 | 3;
  /**
   * Row-major pixels, channels interleaved (HWC). Bytes are taken as they are; floats are pixel
   * values in [0, 1], clamped and rounded to 0..255.
   */
  data: Uint8Array | Float32Array | Float64Array;
}

/** An image and the file name (without folder) it is written under. */
export interface NamedImage {
  /** File name, e.g. `0003_label7_before.png`. */
  name: string;
  image: RasterImage;
}

/** The 8 bytes every PNG file starts with. */
export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** Pixel values in [0, 1] as bytes 0..255 (clamped, rounded). */
export function toBytes(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.round(255 * Math.min(1, Math.max(0, values[i]!)));
  return out;
}

/** Encodes `image` as a PNG file. */
export function encodePng(image: RasterImage): Uint8Array {
  const { width, height, channels } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`encodePng: width and height must be positive integers, got ${width}x${height}`);
  }
  if (channels !== 1 && channels !== 3) throw new Error(`encodePng: channels must be 1 (grey) or 3 (RGB), got ${String(channels)}`);
  const rowBytes = width * channels;
  if (image.data.length !== rowBytes * height) {
    throw new Error(`encodePng: ${image.data.length} values do not fill ${width}x${height}x${channels}`);
  }
  const bytes = image.data instanceof Uint8Array ? image.data : toBytes(image.data);
  // Each scanline starts with its filter type; 0 (None) keeps the encoder trivial.
  const raw = new Uint8Array((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) raw.set(bytes.subarray(y * rowBytes, (y + 1) * rowBytes), y * (rowBytes + 1) + 1);

  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = channels === 1 ? 0 : 2; // colour type: greyscale or truecolour
  // compression 0 (deflate), filter method 0, interlace 0: the bytes are already 0.
  const chunks = [chunk('IHDR', header), chunk('IDAT', zlibStored(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(PNG_SIGNATURE.length + chunks.reduce((n, c) => n + c.length, 0));
  out.set(PNG_SIGNATURE, 0);
  let at = PNG_SIGNATURE.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** length, type, data, CRC over type and data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** A PNG file as a `data:` URL, for inline images in HTML reports. */
export function pngDataUrl(png: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < png.length; i += 0x8000) binary += String.fromCharCode(...png.subarray(i, i + 0x8000));
  return `data:image/png;base64,${btoa(binary)}`;
}
