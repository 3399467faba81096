/**
 * What a benchmark case is: one unit of work (a product, a kernel pass, a training step...) written
 * twice, once with our engine and once with TensorFlow.js, side by side in the case's file.
 */
import type { Engine } from '../src/index.js';
import type { Tf } from './tfjs/load.js';

/**
 * One implementation of a case, set up and ready to run. `work()` queues one timed run — `reps`
 * units of work — and returns `finish`, which reads a small result back (the run ends when it
 * arrives: the readback synchronises both sides alike), frees what the run made and resolves to
 * one number of the result, compared between the sides as a sanity check.
 */
export interface Side {
  work(): () => Promise<number>;
  /** Frees everything the side made. */
  dispose(): void;
}

/** The TensorFlow.js backends a case can be compared with. */
export type Reference = 'webgpu' | 'wasm';

/** A benchmark case. Counts, timings and GFLOP/s are reported per unit of work. */
export interface BenchCase {
  /** What --filter matches: `matmul-1024`, `conv-fwd-article-1`, `attack-article`... */
  id: string;
  group: 'kernel' | 'workload';
  /** One line: shapes and what runs. */
  title: string;
  /** What one unit of work is ('product', 'pass', 'step'...). */
  unit: string;
  /** Floating-point operations of one unit (multiply-add = 2), where it means something. */
  flops?: number;
  /** Units of work per timed run (tiny units are timed in groups, so the readback does not dominate). */
  reps: number;
  /**
   * Units per timed run on our side where it differs from `reps` (which then counts the
   * references'): where ours is several times faster, more units make its runs about as long as
   * the reference's, so that both sides' runs meet the shared machine's bursts alike. `ours()`
   * must queue this many.
   */
  oursReps?: number;
  /** Timed runs per side in a full run (--quick runs a third, at least one). */
  runs: number;
  /** Untimed runs per side first: pipeline compilation, step capture, pool warm-up. */
  warmup: number;
  /** TensorFlow.js backends to compare with (default: webgpu). */
  references?: Reference[];
  /**
   * Relative tolerance when comparing the sides' results after the first warm-up run; null where
   * they cannot agree (random dropout masks differ between the libraries).
   */
  tolerance: number | null;
  /** Our side, on the benchmark's engine. */
  ours(e: Engine): Side | Promise<Side>;
  /** The TensorFlow.js twin, built while the reference backend is the active one. */
  tfjs(tf: Tf): Side | Promise<Side>;
}

/** Units of work per timed run of our side: `oursReps`, or `reps` where the case sets none. */
export function oursRepsOf(c: BenchCase): number {
  return c.oursReps ?? c.reps;
}
