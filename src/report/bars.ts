/** Class probabilities before and after an attack as grouped bars, one pair per class. */
import { svg } from './chart.js';
import { tag, text } from './xml.js';

/** Options of `probabilityBars`. */
export interface ProbabilityBarsOptions {
  /** Class names (default 0, 1, 2...). */
  classes?: readonly string[];
  /** The true class: its name is underlined. */
  label?: number;
  width?: number;
  height?: number;
}

/** Grey bars: probabilities before; red bars: after. The y axis runs from 0 to 1. */
export function probabilityBars(before: readonly number[], after: readonly number[], o: ProbabilityBarsOptions = {}): string {
  const width = o.width ?? 240;
  const height = o.height ?? 112;
  const n = before.length;
  const plot = { x0: 22, x1: width - 4, y0: height - 16, y1: 6 };
  const slot = (plot.x1 - plot.x0) / n;
  const bar = Math.max(1, slot * 0.38);
  const yOf = (p: number): number => plot.y0 - (plot.y0 - plot.y1) * Math.max(0, Math.min(1, p));
  const parts = [
    tag('line', { x1: plot.x0, x2: plot.x1, y1: plot.y0, y2: plot.y0, stroke: '#444' }),
    tag('line', { x1: plot.x0, x2: plot.x1, y1: plot.y1, y2: plot.y1, stroke: '#e3e3e3' }),
    tag('text', { x: plot.x0 - 3, y: plot.y1 + 4, 'text-anchor': 'end', fill: '#555' }, text('1')),
    tag('text', { x: plot.x0 - 3, y: plot.y0, 'text-anchor': 'end', fill: '#555' }, text('0')),
  ];
  for (let c = 0; c < n; c++) {
    const x = plot.x0 + slot * c + slot / 2;
    const pb = before[c] ?? 0;
    const pa = after[c] ?? 0;
    parts.push(tag('rect', { x: x - bar, y: yOf(pb), width: bar, height: plot.y0 - yOf(pb), fill: '#9aa5b1' }, tag('title', {}, text(`class ${o.classes?.[c] ?? c} before: ${pb.toFixed(4)}`))));
    parts.push(tag('rect', { x, y: yOf(pa), width: bar, height: plot.y0 - yOf(pa), fill: '#d62728' }, tag('title', {}, text(`class ${o.classes?.[c] ?? c} after: ${pa.toFixed(4)}`))));
    parts.push(
      tag('text', { x, y: height - 3, 'text-anchor': 'middle', 'font-weight': c === o.label ? 'bold' : undefined, 'text-decoration': c === o.label ? 'underline' : undefined }, text(o.classes?.[c] ?? String(c))),
    );
  }
  return svg(width, height, parts.join(''));
}
