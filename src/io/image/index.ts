// Image utilities of the workloads (Node and browsers); writing files is in ./png_node.ts.
export { encodePng, pngDataUrl, toBytes, PNG_SIGNATURE, type NamedImage, type RasterImage } from './png.js';
export { decodeJpeg } from './jpeg.js';
export { resizeBilinear, scaleNearest } from './resize.js';
export { adler32, crc32 } from './checksums.js';
export { zlibStored } from './zlib_stored.js';
