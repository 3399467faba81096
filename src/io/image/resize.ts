/** Image resizing on the CPU: bilinear for model inputs, nearest-neighbour for enlarging small images. */
import type { RasterImage } from './png.js';

/**
 * Bilinear resize with half-pixel centres and edge clamping, as OpenCV's INTER_LINEAR and
 * TensorFlow 2's `tf.image.resize` (without antialiasing) compute it. Returns float values on the
 * same scale as the input (bytes stay 0..255, not rounded).
 */
export function resizeBilinear(image: RasterImage, width: number, height: number): Float32Array {
  checkSize('resizeBilinear', width, height);
  const { width: w0, height: h0, channels: c, data } = image;
  const out = new Float32Array(width * height * c);
  const sy = h0 / height;
  const sx = w0 / width;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h0 - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h0 - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w0 - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, w0 - 1);
      const wx = fx - x0;
      for (let k = 0; k < c; k++) {
        const top = data[(y0 * w0 + x0) * c + k]! * (1 - wx) + data[(y0 * w0 + x1) * c + k]! * wx;
        const bottom = data[(y1 * w0 + x0) * c + k]! * (1 - wx) + data[(y1 * w0 + x1) * c + k]! * wx;
        out[(y * width + x) * c + k] = top * (1 - wy) + bottom * wy;
      }
    }
  }
  return out;
}

/** Enlarges `image` by an integer `factor`, each pixel becoming a factor x factor square (crisp digits in reports). */
export function scaleNearest<T extends RasterImage>(image: T, factor: number): T {
  if (!Number.isInteger(factor) || factor < 1) throw new Error(`scaleNearest: factor must be a positive integer, got ${factor}`);
  if (factor === 1) return image;
  const { width, height, channels: c, data } = image;
  const out = new (data.constructor as new (n: number) => T['data'])(width * height * c * factor * factor);
  const outWidth = width * factor;
  for (let y = 0; y < height * factor; y++) {
    const sy = Math.floor(y / factor);
    for (let x = 0; x < outWidth; x++) {
      const sx = Math.floor(x / factor);
      for (let k = 0; k < c; k++) out[(y * outWidth + x) * c + k] = data[(sy * width + sx) * c + k]!;
    }
  }
  return { ...image, width: outWidth, height: height * factor, data: out };
}

function checkSize(op: string, width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`${op}: width and height must be positive integers, got ${width}x${height}`);
  }
}
