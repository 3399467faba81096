/** Deterministic inputs, the same values for both libraries. */

/** `n` values in [-scale, scale] from a cheap hash of the index and `seed` (no random state). */
export function values(n: number, seed = 0, scale = 0.5): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const s = Math.sin((i + 1) * 12.9898 + seed * 78.233) * 43758.5453;
    out[i] = (s - Math.floor(s) - 0.5) * 2 * scale;
  }
  return out;
}

/** Product of a shape's dimensions. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
