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

/**
 * Smallest angles of n points on the sphere in 3-D at the Tammes optimum: proven for 2 to 6 and
 * 12 (the icosahedron); for 20 the best arrangement known (Sloane's tables of spherical codes).
 */
const TAMMES_DEG: Record<number, number> = {
  2: 180,
  3: 120,
  4: (Math.acos(-1 / 3) * 180) / Math.PI,
  5: 90,
  6: 90,
  12: (Math.atan(2) * 180) / Math.PI,
  20: 47.431036,
};

/**
 * The best possible smallest angle (degrees) between n unit vectors in `dims` dimensions, where
 * it is known: evenly spaced on the circle in 2-D (360°/n), the regular simplex when
 * dims >= n − 1 (arccos(−1/(n − 1))), the Tammes optima in 3-D listed above; undefined otherwise.
 */
export function bestKnownMinAngleDeg(n: number, dims: number): number | undefined {
  if (n < 2 || dims < 2) return undefined;
  if (dims >= n - 1) return (Math.acos(-1 / (n - 1)) * 180) / Math.PI;
  if (dims === 2) return bestMinAngleDeg2d(n);
  if (dims === 3) return TAMMES_DEG[n];
  return undefined;
}
