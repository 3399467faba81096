/** The speedup chart of the benchmark page: one bar per case and reference, on a log scale, 1x marked. */
import type { Report } from '../../bench/report.js';

const svgNs = 'http://www.w3.org/2000/svg';

function el(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(svgNs, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Bars of reference time / our time per case (log scale from 1/10x to 100x). */
export function speedupChart(report: Report): SVGSVGElement {
  const rows = report.cases.flatMap((c) => c.comparisons.filter((x) => x.speedup !== null).map((x) => ({ label: `${c.id} (${x.reference.replace('tfjs-', '')})`, speedup: x.speedup! })));
  const rowH = 20;
  const labelW = 300;
  const barW = 420;
  const height = rows.length * rowH + 30;
  const svg = el('svg', { width: labelW + barW + 80, height, viewBox: `0 0 ${labelW + barW + 80} ${height}`, role: 'img' }) as SVGSVGElement;
  svg.append(el('title', {}, 'Speedup over TensorFlow.js (reference time / ours; > 1: ours faster)'));
  // log10 of the speedup, from -1 (10x slower) to 2 (100x faster).
  const x = (s: number): number => labelW + ((Math.min(2, Math.max(-1, Math.log10(s))) + 1) / 3) * barW;
  rows.forEach((r, i) => {
    const y = 20 + i * rowH;
    svg.append(el('text', { x: labelW - 6, y: y + 13, 'text-anchor': 'end', 'font-size': 12 }, r.label));
    const left = Math.min(x(1), x(r.speedup));
    svg.append(el('rect', { x: left, y: y + 3, width: Math.max(1, Math.abs(x(r.speedup) - x(1))), height: rowH - 6, fill: r.speedup >= 1 ? '#1a7f37' : '#cf222e' }));
    svg.append(el('text', { x: Math.max(x(1), x(r.speedup)) + 4, y: y + 13, 'font-size': 12 }, `${r.speedup.toFixed(2)}x`));
  });
  for (const s of [0.1, 1, 10, 100]) {
    svg.append(el('line', { x1: x(s), x2: x(s), y1: 14, y2: height, stroke: s === 1 ? '#000' : '#ccc' }));
    svg.append(el('text', { x: x(s), y: 11, 'text-anchor': 'middle', 'font-size': 11 }, `${s}x`));
  }
  return svg;
}
