import type { Engine } from '../engine.js';

/**
 * Seeds for the random ops called without one (random tensors, dropout masks): one counter per
 * engine, so that successive calls differ, engines do not disturb each other, and a whole program
 * is reproducible from a fresh engine.
 */
const drawCounts = new WeakMap<Engine, number>();

/** The engine's next seed. */
export function drawSeed(e: Engine): number {
  const k = drawCounts.get(e) ?? 0;
  drawCounts.set(e, k + 1);
  // Spread the counter over 32 bits (Weyl sequence by the golden ratio): seeds 0, 1, 2 a user
  // might pass stay distinct from the first few drawn ones.
  return Math.imul(k + 1, 0x9e3779b9) >>> 0;
}
