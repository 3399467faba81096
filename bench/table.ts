/**
 * The printed table: one row per case and TensorFlow.js backend (a case measured against WebGPU
 * and WASM gets two rows), times per unit of work as "median (min, ±spread)".
 */
import { comparisons, gflops, side } from './compare.js';
import type { CaseResult, SideResult, UnitCounts } from './runner.js';

/** Milliseconds with about three significant digits. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

function fmtTime(s: SideResult | undefined): string {
  if (!s) return 'n/a';
  if (s.error) return 'FAILED';
  return `${fmtMs(s.ms.median)} (${fmtMs(s.ms.min)}, ±${Math.round(s.ms.spread * 100)}%)`;
}

function fmtCount(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

/** dispatches / submits / readbacks per unit, and new buffers for ours. */
function fmtCounts(c: UnitCounts | null | undefined): string {
  if (!c) return 'n/a';
  const base = `${fmtCount(c.dispatches)}/${fmtCount(c.submits)}/${fmtCount(c.readbacks)}`;
  return c.bufferCreations === null ? base : `${base}/${fmtCount(c.bufferCreations)}`;
}

function fmtRate(x: number | null): string {
  if (x === null) return '-';
  return x >= 10 ? x.toFixed(0) : x.toFixed(2);
}

/** Lays out rows of cells in aligned columns (numbers right-aligned, text left-aligned). */
export function layout(header: string[], rows: string[][], rightAligned: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (rightAligned[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The comparison table of all measured cases. */
export function formatTable(results: readonly CaseResult[]): string {
  const header = ['case', 'unit', 'ours ms (min, ±)', 'reference', 'ref ms (min, ±)', 'speedup', 'cpu x', 'GFLOP/s ours', 'GFLOP/s ref', 'ours d/s/r/b', 'ref d/s/r', 'agree'];
  const right = [false, false, true, false, true, true, true, true, true, true, true, false];
  const rows: string[][] = [];
  for (const c of results) {
    const ours = side(c, 'ours') ?? c.sides.find((s) => s.name === 'ours');
    const comps = comparisons(c);
    const refs = comps.length > 0 ? comps : [null];
    for (const comp of refs) {
      const ref = comp ? c.sides.find((s) => s.name === comp.reference) : undefined;
      rows.push([
        c.id,
        c.unit,
        fmtTime(ours),
        comp ? comp.reference.replace('tfjs-', 'tfjs ') : '-',
        comp ? fmtTime(ref) : 'n/a',
        comp?.speedup != null ? `${comp.speedup.toFixed(2)}x` : '-',
        comp?.cpuSpeedup != null && Number.isFinite(comp.cpuSpeedup) ? `${comp.cpuSpeedup.toFixed(2)}x` : '-',
        fmtRate(gflops(c, ours && !ours.error ? ours : undefined)),
        fmtRate(gflops(c, ref && !ref.error ? ref : undefined)),
        fmtCounts(ours?.counts),
        comp ? fmtCounts(ref?.counts) : '-',
        comp?.agree == null ? '-' : comp.agree ? 'ok' : `NO (${ours?.firstValue.toPrecision(6)} vs ${ref?.firstValue.toPrecision(6)})`,
      ]);
    }
  }
  return [layout(header, rows, right), ...formatVariants(results)].join('\n');
}

/** The kernel variants each case's timed runs of ours dispatched (absent from older results). */
function formatVariants(results: readonly CaseResult[]): string[] {
  const rows = results.flatMap((c) => {
    const v = c.sides.find((s) => s.name === 'ours')?.variants;
    return v ? [[c.id, v.length > 0 ? v.join(', ') : '-']] : [];
  });
  return rows.length > 0 ? ['', 'Kernel variants of ours (timed runs; kernel:variant, e.tuning):', layout(['case', 'variants'], rows, [false, false])] : [];
}

/** Errors of failed sides, one line each. */
export function formatFailures(results: readonly CaseResult[]): string[] {
  return results.flatMap((c) => c.sides.filter((s) => s.error).map((s) => `${c.id} [${s.name}]: ${s.error}`));
}

/** The legend printed under the table. */
export const legend = [
  'Times: milliseconds per unit of work, median over the timed runs (min, ±(max-min)/median). Each timed',
  'run queues `reps` units (conv cases: more on our side, for runs about as long as the reference\'s) and',
  'ends with a readback of one element of the result, on both sides.',
  'speedup = reference median / ours median (>1: ours faster). cpu x = the same ratio of process CPU',
  "time: lavapipe runs the kernels on this process's threads, so it holds on a busy machine where the",
  'wall clock does not (on a real GPU it counts only the host side). d/s/r/b = dispatches / submits /',
  'readbacks / new GPU buffers per unit while the work is queued (the final readback excluded); tfjs',
  "webgpu's are counted by wrapping its backend's recordAndSubmit / submitQueue / getBufferData (n/a for",
  'wasm). agree: the first results of the two sides match within the case tolerance (-: not comparable).',
];
