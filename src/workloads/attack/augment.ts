/**
 * Data augmentation for training the digit classifier: each image turned by a small random
 * rotation, scaled a little and shifted by a few pixels (an affine map about the image centre,
 * as Keras' RandomRotation, RandomZoom and RandomTranslation layers do), and optionally bent by an
 * elastic distortion (Simard, Steinkraus & Platt 2003: a random displacement field smoothed by a
 * Gaussian, the augmentation that helps a CNN most on small sets of handwritten digits). Bilinear
 * interpolation, zero outside the image. Plain JavaScript on the host, seeded: a training run
 * draws a new set once per epoch and uploads it, so the same seed gives the same images everywhere.
 */

/** How far `augmentImages` may move each image; every range is drawn uniformly, ± the value. */
export interface AugmentOptions {
  /** Largest rotation in degrees (default 10). */
  maxRotationDeg?: number;
  /** Largest shift in pixels along each axis (default 2). */
  maxShift?: number;
  /** Largest relative change of size (default 0.05: between 95% and 105%). */
  maxScale?: number;
  /** Scale α of the elastic displacement field, in pixels (default 0: none; Simard et al. use 34). */
  elasticAlpha?: number;
  /** Width σ of the Gaussian that smooths the field, in pixels (default 4). */
  elasticSigma?: number;
}

/** The defaults of `AugmentOptions`, filled in and checked. */
export function augmentSettings(options: AugmentOptions = {}): Required<AugmentOptions> {
  const s = {
    maxRotationDeg: options.maxRotationDeg ?? 10,
    maxShift: options.maxShift ?? 2,
    maxScale: options.maxScale ?? 0.05,
    elasticAlpha: options.elasticAlpha ?? 0,
    elasticSigma: options.elasticSigma ?? 4,
  };
  for (const [name, v] of Object.entries(s)) {
    if (!(v >= 0) || !Number.isFinite(v)) throw new Error(`augmentImages: ${name} must be a finite number >= 0, got ${v}`);
  }
  if (s.maxScale >= 1) throw new Error(`augmentImages: maxScale must be below 1, got ${s.maxScale}`);
  if (!(s.elasticSigma > 0)) throw new Error(`augmentImages: elasticSigma must be above 0, got ${s.elasticSigma}`);
  return s;
}

/**
 * Moves each of the `count` square single-channel images of `images` (side `size`, row-major) by
 * its own random rotation, scale and shift (and elastic field), drawn from `random`; writes the
 * results to `out` (a new array by default) and returns it.
 */
export function augmentImages(
  images: Float32Array,
  count: number,
  size: number,
  random: () => number,
  options: AugmentOptions = {},
  out: Float32Array = new Float32Array(count * size * size),
): Float32Array {
  const s = augmentSettings(options);
  const pixels = size * size;
  if (images.length < count * pixels || out.length < count * pixels) {
    throw new Error(`augmentImages: ${count} images of ${size}x${size} need ${count * pixels} values, got ${images.length} in and ${out.length} out`);
  }
  const uniform = (limit: number): number => (2 * random() - 1) * limit;
  const kernel = gaussianKernel(s.elasticSigma);
  for (let k = 0; k < count; k++) {
    const move: ImageMove = { angleDeg: uniform(s.maxRotationDeg), scale: 1 + uniform(s.maxScale), shiftX: uniform(s.maxShift), shiftY: uniform(s.maxShift) };
    if (s.elasticAlpha > 0) {
      move.displaceX = elasticField(size, random, kernel, s.elasticAlpha);
      move.displaceY = elasticField(size, random, kernel, s.elasticAlpha);
    }
    warpImage(images.subarray(k * pixels, (k + 1) * pixels), out.subarray(k * pixels, (k + 1) * pixels), size, move);
  }
  return out;
}

/** A normalised Gaussian of width σ over ±3σ. */
function gaussianKernel(sigma: number): Float64Array {
  const radius = Math.ceil(3 * sigma);
  const kernel = Float64Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const sum = kernel.reduce((a, b) => a + b, 0);
  return kernel.map((v) => v / sum);
}

/** α times a field of uniform(−1, 1) values smoothed by `kernel` along x, then y (zero outside). */
function elasticField(size: number, random: () => number, kernel: Float64Array, alpha: number): Float32Array {
  const raw = Float64Array.from({ length: size * size }, () => 2 * random() - 1);
  const radius = (kernel.length - 1) / 2;
  const along = (src: Float64Array, dx: number, dy: number): Float64Array => {
    const dst = new Float64Array(size * size);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        let sum = 0;
        for (let t = -radius; t <= radius; t++) {
          const xi = x + t * dx;
          const yi = y + t * dy;
          if (xi >= 0 && xi < size && yi >= 0 && yi < size) sum += kernel[t + radius]! * src[yi * size + xi]!;
        }
        dst[y * size + x] = sum;
      }
    }
    return dst;
  };
  return Float32Array.from(along(along(raw, 1, 0), 0, 1), (v) => alpha * v);
}

/**
 * One move of an image: an affine map about its centre (rotation in degrees, counter-clockwise on
 * the screen; scale; shift in pixels), and optionally a displacement per output pixel (an elastic
 * field, in pixels) added to where it samples before the affine map is undone.
 */
export interface ImageMove {
  angleDeg: number;
  scale: number;
  shiftX: number;
  shiftY: number;
  displaceX?: Float32Array;
  displaceY?: Float32Array;
}

/**
 * Writes to `dst` the square single-channel image `src` (side `size`, row-major, y down) scaled,
 * rotated about its centre and shifted: each output pixel takes its value from the inverse map
 * (bilinear interpolation, 0 outside the image).
 */
export function warpImage(src: Float32Array, dst: Float32Array, size: number, move: ImageMove): void {
  const centre = (size - 1) / 2;
  const angle = (move.angleDeg * Math.PI) / 180;
  const cos = Math.cos(angle) / move.scale;
  const sin = Math.sin(angle) / move.scale;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const u = x + (move.displaceX?.[i] ?? 0) - centre - move.shiftX;
      const v = y + (move.displaceY?.[i] ?? 0) - centre - move.shiftY;
      dst[i] = bilinear(src, size, cos * u - sin * v + centre, sin * u + cos * v + centre);
    }
  }
}

/** The image at (x, y) by bilinear interpolation; pixels outside the image are 0. */
function bilinear(img: Float32Array, size: number, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const at = (xi: number, yi: number): number => (xi >= 0 && xi < size && yi >= 0 && yi < size ? img[yi * size + xi]! : 0);
  return (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
}
