/** Derived numbers of a measured case: speedups, GFLOP/s and the agreement check, per reference. */
import type { CaseResult, SideResult } from './runner.js';

/** Our side of a case compared with one TensorFlow.js side. */
export interface Comparison {
  /** 'tfjs-webgpu' or 'tfjs-wasm'. */
  reference: string;
  /** tfjs median time / our median time (> 1: we are faster); null if a side failed. */
  speedup: number | null;
  /** The same ratio of CPU times (see SideResult.cpuMs). */
  cpuSpeedup: number | null;
  /** Whether the first results agree within the case's tolerance; null when not comparable. */
  agree: boolean | null;
}

/** The side named `name`, if it ran without error. */
export function side(c: CaseResult, name: string): SideResult | undefined {
  return c.sides.find((s) => s.name === name && !s.error);
}

/** GFLOP/s of a side at its median time; null without a FLOP count. */
export function gflops(c: CaseResult, s: SideResult | undefined): number | null {
  if (!s || c.flops === null) return null;
  return c.flops / s.ms.median / 1e6;
}

/** Whether two results agree: |a − b| ≤ tolerance · max(1, |a|, |b|). */
export function agrees(a: number, b: number, tolerance: number): boolean {
  return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Our side against each TensorFlow.js side that was measured (or failed). */
export function comparisons(c: CaseResult): Comparison[] {
  const ours = side(c, 'ours');
  return c.sides
    .filter((s) => s.name !== 'ours')
    .map((ref) => {
      const ok = ours && !ref.error;
      return {
        reference: ref.name,
        speedup: ok ? ref.ms.median / ours.ms.median : null,
        cpuSpeedup: ok ? ref.cpuMs.median / ours.cpuMs.median : null,
        agree: ok && c.tolerance !== null ? agrees(ours.firstValue, ref.firstValue, c.tolerance) : null,
      };
    });
}

/** Our side against `reference` in case `id`, or null when either did not run. */
export function comparisonOf(results: readonly CaseResult[], id: string, reference = 'tfjs-webgpu'): Comparison | null {
  const c = results.find((r) => r.id === id);
  const comp = c ? comparisons(c).find((x) => x.reference === reference) : undefined;
  return comp && comp.speedup !== null ? comp : null;
}
