/**
 * A zlib stream (RFC 1950) made of deflate "stored" blocks (RFC 1951, BTYPE 00): the data is not
 * compressed, only framed. Every inflater reads it, and it needs no node:zlib, so PNG files can
 * be written in the browser too. Small images (a 28x28 digit) lose almost nothing by it.
 */
import { adler32 } from './checksums.js';

/** Largest payload of one stored block. */
const MAX_BLOCK = 0xffff;

/** Wraps `data` in a zlib stream of stored deflate blocks. */
export function zlibStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / MAX_BLOCK));
  const out = new Uint8Array(2 + blocks * 5 + data.length + 4);
  // CMF 0x78: deflate with a 32 KiB window; FLG 0x01 makes CMF·256 + FLG a multiple of 31.
  out[0] = 0x78;
  out[1] = 0x01;
  let at = 2;
  for (let b = 0; b < blocks; b++) {
    const start = b * MAX_BLOCK;
    const len = Math.min(MAX_BLOCK, data.length - start);
    out[at++] = b === blocks - 1 ? 1 : 0; // BFINAL on the last block, BTYPE 00
    out[at++] = len & 0xff;
    out[at++] = len >>> 8;
    out[at++] = ~len & 0xff;
    out[at++] = (~len >>> 8) & 0xff;
    out.set(data.subarray(start, start + len), at);
    at += len;
  }
  const check = adler32(data);
  out[at++] = check >>> 24;
  out[at++] = (check >>> 16) & 0xff;
  out[at++] = (check >>> 8) & 0xff;
  out[at] = check & 0xff;
  return out;
}
