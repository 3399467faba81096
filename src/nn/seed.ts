/**
 * Seeds for weight initialisation and dropout. The random kernels are counter-based (a value
 * depends only on (seed, index)), so one seed per weight, derived from the model's or layer's
 * seed, makes a model reproducible on every backend.
 */

/** Mixes two 32-bit integers into a well-spread unsigned 32-bit seed (murmur3's finaliser). */
export function mixSeed(seed: number, salt: number): number {
  let h = (seed ^ Math.imul(salt + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A fresh seed when the user gave none. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x1_0000_0000) >>> 0;
}
