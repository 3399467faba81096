/**
 * The attack's images for people to look at: each attacked image before and after, and the change
 * between them, as raster images ready for `encodePng` (pure: Node and browsers).
 */
import { scaleNearest } from '../../io/image/resize.js';
import type { NamedImage, RasterImage } from '../../io/image/png.js';
import type { AttackResult } from './attack.js';

/** Options of `attackImages`. */
export interface AttackImagesOptions {
  /** Enlarge each image by this integer factor, nearest-neighbour (default 4: a digit becomes 112x112). */
  scale?: number;
  /** At most this many attacked images (default: all). */
  limit?: number;
  /**
   * The change image shows 0.5 + gain·(after - before), so that unchanged pixels are mid-grey
   * (default: 0.5 / (epsilon·iterations), which maps the largest possible change to black or white).
   */
  gain?: number;
}

/** Before, after and change images of one attacked image. */
export interface AttackImageSet {
  index: number;
  label: number;
  predictedAfter: number;
  before: RasterImage;
  after: RasterImage;
  change: RasterImage;
}

/** The before/after/change images of the attacked images of `result`, in `perImage` order. */
export function attackImages(result: AttackResult, options: AttackImagesOptions = {}): AttackImageSet[] {
  const [height, width, channels] = result.imageShape as [number, number, number];
  if (channels !== 1 && channels !== 3) throw new Error(`attackImages: images with ${channels} channels cannot be shown`);
  const pixels = height * width * channels;
  const scale = options.scale ?? 4;
  const bound = result.epsilon * result.iterations;
  const gain = options.gain ?? (bound > 0 ? 0.5 / bound : 1);
  const count = Math.min(result.perImage.length, options.limit ?? result.perImage.length);
  const raster = (data: Float32Array): RasterImage => scaleNearest({ width, height, channels, data }, scale);
  return result.perImage.slice(0, count).map((r, k) => {
    const before = result.original.subarray(k * pixels, (k + 1) * pixels);
    const after = result.adversarial.subarray(k * pixels, (k + 1) * pixels);
    const change = new Float32Array(pixels);
    for (let i = 0; i < pixels; i++) change[i] = 0.5 + gain * (after[i]! - before[i]!);
    return { index: r.index, label: r.label, predictedAfter: r.predictedAfter, before: raster(before), after: raster(after), change: raster(change) };
  });
}

/** File names for `writeImagesPng`: `<index>_label<L>_{before,after,change}.png`. */
export function namedAttackImages(sets: readonly AttackImageSet[]): NamedImage[] {
  return sets.flatMap((s) => {
    const stem = `${String(s.index).padStart(4, '0')}_label${s.label}`;
    return [
      { name: `${stem}_before.png`, image: s.before },
      { name: `${stem}_after_pred${s.predictedAfter}.png`, image: s.after },
      { name: `${stem}_change.png`, image: s.change },
    ];
  });
}
