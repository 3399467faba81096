import { describe, expect, it } from 'vitest';
import { augmentImages, augmentSettings, warpImage, type ImageMove } from '../../src/workloads/attack/augment.js';
import { seededRandom } from '../../src/workloads/attack/random.js';

/** A 7x7 image, zero but for the given pixels (x, y). */
function image(...on: [number, number][]): Float32Array {
  const img = new Float32Array(49);
  for (const [x, y] of on) img[y * 7 + x] = 1;
  return img;
}

function warped(src: Float32Array, move: Partial<ImageMove>): Float32Array {
  const dst = new Float32Array(49);
  warpImage(src, dst, 7, { angleDeg: 0, scale: 1, shiftX: 0, shiftY: 0, ...move });
  return dst;
}

describe('image augmentation', () => {
  it('moves a pixel by whole shifts, quarter turns and scales about the centre (3, 3)', () => {
    const src = image([5, 3]); // two pixels right of the centre
    expect(warped(src, {})).toEqual(src);
    expect(warped(src, { shiftX: -1, shiftY: 2 })).toEqual(image([4, 5]));
    // Counter-clockwise on the screen (y points down): right of the centre goes up.
    expect(Array.from(warped(src, { angleDeg: 90 })).map((v) => Math.round(v * 1e6) / 1e6)).toEqual(Array.from(image([3, 1])));
    expect(Array.from(warped(src, { angleDeg: 180 })).map((v) => Math.round(v * 1e6) / 1e6)).toEqual(Array.from(image([1, 3])));
    expect(warped(image([4, 3]), { scale: 2 })[3 * 7 + 5]).toBeCloseTo(1, 6);
  });

  it('interpolates between pixels and leaves zero outside the image', () => {
    const half = warped(image([3, 3]), { shiftX: 0.5 });
    expect(half[3 * 7 + 3]).toBeCloseTo(0.5, 6);
    expect(half[3 * 7 + 4]).toBeCloseTo(0.5, 6);
    expect(warped(image([6, 0]), { shiftX: 1 }).every((v) => v === 0)).toBe(true);
  });

  it('draws each image its own move, the same for the same seed, within the limits', () => {
    const src = new Float32Array(3 * 49);
    src.set(image([3, 3], [4, 3], [3, 4]), 0);
    src.set(image([2, 2]), 49);
    src.set(image([5, 5]), 98);
    const a = augmentImages(src, 3, 7, seededRandom(9));
    expect(augmentImages(src, 3, 7, seededRandom(9))).toEqual(a);
    expect(augmentImages(src, 3, 7, seededRandom(10))).not.toEqual(a);
    expect(a.subarray(0, 49)).not.toEqual(src.subarray(0, 49));
    // Shifts of at most 2 px, rotations of at most 10°, scales of at most 5%: mass stays near.
    const centreOf = (img: Float32Array): [number, number] => {
      let m = 0;
      let x = 0;
      let y = 0;
      img.forEach((v, i) => ((m += v), (x += v * (i % 7)), (y += v * Math.floor(i / 7))));
      return [x / m, y / m];
    };
    const [x0, y0] = centreOf(src.subarray(0, 49));
    const [x1, y1] = centreOf(a.subarray(0, 49));
    expect(Math.hypot(x1 - x0, y1 - y0)).toBeLessThan(2 * Math.SQRT2 + 0.5);
    const none = augmentImages(src, 3, 7, seededRandom(9), { maxRotationDeg: 0, maxShift: 0, maxScale: 0 });
    expect(none).toEqual(src);
  });

  it('bends images by a smooth elastic field, drawn per image', () => {
    // A displacement field samples further along: +1 everywhere is a shift by −1.
    const src = image([3, 3], [4, 4]);
    expect(warped(src, { displaceX: new Float32Array(49).fill(1) })).toEqual(warped(src, { shiftX: -1 }));
    const still = { maxRotationDeg: 0, maxShift: 0, maxScale: 0 };
    const blob = new Float32Array(49).map((_, i) => Math.exp(-(((i % 7) - 3) ** 2) / 4 - (Math.floor(i / 7) - 3) ** 2 / 4));
    const bent = augmentImages(blob, 1, 7, seededRandom(4), { ...still, elasticAlpha: 8, elasticSigma: 2 });
    expect(bent).not.toEqual(blob);
    expect(augmentImages(blob, 1, 7, seededRandom(4), { ...still, elasticAlpha: 8, elasticSigma: 2 })).toEqual(bent);
    // Smooth and small: the blob keeps most of its mass and stays where it was.
    const mass = (img: Float32Array): number => img.reduce((a, b) => a + b, 0);
    expect(mass(bent) / mass(blob)).toBeGreaterThan(0.6);
    expect(mass(bent) / mass(blob)).toBeLessThan(1.4);
    expect(bent[3 * 7 + 3]).toBeGreaterThan(0.3);
  });

  it('checks its options and sizes', () => {
    expect(augmentSettings()).toEqual({ maxRotationDeg: 10, maxShift: 2, maxScale: 0.05, elasticAlpha: 0, elasticSigma: 4 });
    expect(() => augmentSettings({ elasticSigma: 0 })).toThrow(/elasticSigma must be above 0, got 0/);
    expect(() => augmentSettings({ maxShift: -1 })).toThrow(/augmentImages: maxShift must be a finite number >= 0, got -1/);
    expect(() => augmentSettings({ maxScale: 1 })).toThrow(/maxScale must be below 1, got 1/);
    expect(() => augmentImages(new Float32Array(10), 1, 7, seededRandom(1))).toThrow(/1 images of 7x7 need 49 values, got 10 in and 49 out/);
  });
});
