/** Text formatting of the command line's results: numbers, a plain table, the adapter line. */
import type { AdapterInfo } from '../backend/backend.js';

/** Numbers and percentages are printed as in the report. */
export { fmt as num, pct as percent } from '../report/sections/common.js';

/** Column alignment of `table`. */
export type Align = 'left' | 'right';

/**
 * A plain-text table: a header row, a rule, the rows; columns padded to their widest cell.
 * Numbers read best right-aligned: pass `align` per column (default left).
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (align[c] === 'right' ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** One line naming the adapter: `webgpu: mesa software llvmpipe-… (software)`. */
export function describeAdapter(info: AdapterInfo): string {
  const name = [info.vendor, info.architecture, info.device || info.description].filter(Boolean).join(' ');
  return `${info.backend}: ${name || 'unknown adapter'}${info.isSoftware && info.backend !== 'cpu' ? ' (software)' : ''}`;
}

/** A few values of a long history, for one-line summaries: first, some middle ones, last. */
export function sampleHistory(values: readonly number[], count = 5): { step: number; value: number }[] {
  if (values.length <= count) return values.map((value, i) => ({ step: i + 1, value }));
  const picks = new Set<number>();
  for (let k = 0; k < count; k++) picks.add(Math.round((k * (values.length - 1)) / (count - 1)));
  return [...picks].map((i) => ({ step: i + 1, value: values[i]! }));
}
