/** A chart legend: a white box with a swatch (line, dashed line or dot) and a label per entry. */
import { tag, text } from './xml.js';

/** One legend line. */
export interface LegendEntry {
  label: string;
  color: string;
  kind: 'line' | 'dots';
  dashed: boolean;
}

/** Pixel width of a label, roughly (11px system-ui averages ~6.2px per character). */
function textWidth(label: string): number {
  return label.length * 6.2;
}

/** The legend inside the plot area `plot`, in the corner `at`. */
export function legend(
  entries: readonly LegendEntry[],
  plot: { x0: number; x1: number; y0: number; y1: number },
  at: 'top-right' | 'bottom-right' | 'top-left' | 'bottom-left',
): string {
  const lineHeight = 15;
  const width = 34 + Math.max(...entries.map((e) => textWidth(e.label)));
  const height = 8 + lineHeight * entries.length;
  const x = at.endsWith('right') ? plot.x1 - width - 6 : plot.x0 + 6;
  const y = at.startsWith('top') ? plot.y1 + 6 : plot.y0 - height - 6;
  const rows = entries.map((e, i) => {
    const cy = y + 4 + lineHeight * i + lineHeight / 2;
    const swatch =
      e.kind === 'dots'
        ? tag('circle', { cx: x + 16, cy, r: 3, fill: e.color })
        : tag('line', { x1: x + 6, x2: x + 26, y1: cy, y2: cy, stroke: e.color, 'stroke-width': 2, 'stroke-dasharray': e.dashed ? '5 3' : undefined });
    return swatch + tag('text', { x: x + 31, y: cy + 4, fill: '#222' }, text(e.label));
  });
  return tag('g', { class: 'legend' }, tag('rect', { x, y, width, height, fill: 'white', 'fill-opacity': 0.85, stroke: '#bbb', rx: 3 }), ...rows);
}
