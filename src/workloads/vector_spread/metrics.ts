/**
 * How spread a set of vectors is, computed in float64 on the CPU from values read back once:
 * the smallest angle between two vectors, and the mean over vectors of the angle to their
 * nearest neighbour.
 */

/** Angles in degrees between rows (any non-zero norm). */
export interface SpreadStats {
  /** The smallest angle between two different rows. */
  minAngleDeg: number;
  /** The mean over rows of the angle to the nearest other row. */
  meanMinAngleDeg: number;
}

/** The angle between two non-zero vectors in degrees, clamped against rounding outside [-1, 1]. */
function angleDeg(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let k = 0; k < a.length; k++) {
    dot += a[k]! * b[k]!;
    aa += a[k]! * a[k]!;
    bb += b[k]! * b[k]!;
  }
  const cos = Math.min(1, Math.max(-1, dot / Math.sqrt(aa * bb)));
  return (Math.acos(cos) * 180) / Math.PI;
}

/** Min and mean-of-nearest angles of the rows of `vectors` (at least two rows). */
export function spreadStats(vectors: readonly (readonly number[])[]): SpreadStats {
  const n = vectors.length;
  if (n < 2) throw new Error(`spreadStats: needs at least two vectors, got ${n}`);
  const nearest = new Array<number>(n).fill(Infinity);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const angle = angleDeg(vectors[i]!, vectors[j]!);
      nearest[i] = Math.min(nearest[i]!, angle);
      nearest[j] = Math.min(nearest[j]!, angle);
    }
  }
  return { minAngleDeg: Math.min(...nearest), meanMinAngleDeg: nearest.reduce((s, v) => s + v, 0) / n };
}

/**
 * The best possible smallest angle for n vectors in 2-D (360° / n, evenly spaced on the circle),
 * a yardstick for the 2-D runs.
 */
export function bestMinAngleDeg2d(n: number): number {
  return 360 / n;
}
