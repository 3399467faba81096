/**
 * A small dependency-free SVG chart: a frame with ticks and grid lines, axis labels, any number of
 * line and dot series, and a legend. Enough for the report's scatter plots and loss curves.
 */
import { legend, type LegendEntry } from './legend.js';
import { extent, linearScale, logDomain, logScale, niceDomain, type Scale } from './scale.js';
import { polyline, tag, text } from './xml.js';

/** Colours of successive series (matplotlib's, which read well on white and in print). */
export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf', '#7f7f7f'] as const;

/** One data series of a chart. */
export interface Series {
  /** Shown in the legend (no legend entry without one). */
  label?: string;
  color: string;
  points: readonly (readonly [number, number])[];
  /** Joined by a line (default) or drawn as dots. */
  kind?: 'line' | 'dots';
  dashed?: boolean;
  /** Line width or dot radius (default 2 and 2.5). */
  size?: number;
  opacity?: number;
}

/** Options of `chart`. */
export interface ChartOptions {
  series: readonly Series[];
  width?: number;
  height?: number;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Default: the data's extent, widened to round ticks. */
  xDomain?: readonly [number, number];
  yDomain?: readonly [number, number];
  yScale?: 'linear' | 'log';
  /** Where the legend sits inside the plot area (default top right). */
  legendAt?: 'top-right' | 'bottom-right' | 'top-left' | 'bottom-left';
}

let chartCount = 0;

/** The chart as an `<svg>` element (with a viewBox, so it scales with the page). */
export function chart(o: ChartOptions): string {
  const width = o.width ?? 480;
  const height = o.height ?? 300;
  const margin = { top: o.title ? 28 : 12, right: 14, bottom: o.xLabel ? 42 : 28, left: o.yLabel ? 62 : 48 };
  const plot = { x0: margin.left, x1: width - margin.right, y0: height - margin.bottom, y1: margin.top };
  const xs = o.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = o.series.flatMap((s) => s.points.map((p) => p[1]));
  const x = linearScale(o.xDomain ?? niceDomain(...extent(xs)), [plot.x0, plot.x1]);
  const y: Scale =
    o.yScale === 'log'
      ? logScale(o.yDomain ?? logDomain(...extent(ys.filter((v) => v > 0))), [plot.y0, plot.y1])
      : linearScale(o.yDomain ?? niceDomain(...extent(ys)), [plot.y0, plot.y1]);
  const clipId = `plot-area-${++chartCount}`;

  const parts: string[] = [];
  parts.push(tag('defs', {}, tag('clipPath', { id: clipId }, tag('rect', { x: plot.x0, y: plot.y1, width: plot.x1 - plot.x0, height: plot.y0 - plot.y1 }))));
  parts.push(axes(x, y, plot));
  const seriesMarkup = o.series.map((s) => drawSeries(s, x, y)).join('');
  parts.push(tag('g', { 'clip-path': `url(#${clipId})` }, seriesMarkup));
  parts.push(tag('rect', { x: plot.x0, y: plot.y1, width: plot.x1 - plot.x0, height: plot.y0 - plot.y1, fill: 'none', stroke: '#444', 'stroke-width': 1 }));
  if (o.title) parts.push(tag('text', { x: width / 2, y: 18, 'text-anchor': 'middle', 'font-weight': 'bold' }, text(o.title)));
  if (o.xLabel) parts.push(tag('text', { x: (plot.x0 + plot.x1) / 2, y: height - 8, 'text-anchor': 'middle' }, text(o.xLabel)));
  if (o.yLabel) {
    const cy = (plot.y0 + plot.y1) / 2;
    parts.push(tag('text', { x: 14, y: cy, 'text-anchor': 'middle', transform: `rotate(-90 14 ${cy})` }, text(o.yLabel)));
  }
  const entries: LegendEntry[] = o.series.filter((s) => s.label).map((s) => ({ label: s.label!, color: s.color, kind: s.kind ?? 'line', dashed: s.dashed ?? false }));
  if (entries.length > 0) parts.push(legend(entries, plot, o.legendAt ?? 'top-right'));
  return svg(width, height, parts.join(''));
}

/** An `<svg>` root with the report's font settings. */
export function svg(width: number, height: number, body: string): string {
  return tag(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${width} ${height}`, width, height, 'font-family': 'system-ui, sans-serif', 'font-size': 11, role: 'img' },
    body,
  );
}

function axes(x: Scale, y: Scale, plot: { x0: number; x1: number; y0: number; y1: number }): string {
  const parts: string[] = [];
  for (const v of x.ticks(6)) {
    const px = x(v);
    parts.push(tag('line', { x1: px, x2: px, y1: plot.y0, y2: plot.y1, stroke: '#e3e3e3' }));
    parts.push(tag('line', { x1: px, x2: px, y1: plot.y0, y2: plot.y0 + 4, stroke: '#444' }));
    parts.push(tag('text', { x: px, y: plot.y0 + 15, 'text-anchor': 'middle', fill: '#333' }, text(x.format(v))));
  }
  for (const v of y.ticks(5)) {
    const py = y(v);
    parts.push(tag('line', { x1: plot.x0, x2: plot.x1, y1: py, y2: py, stroke: '#e3e3e3' }));
    parts.push(tag('line', { x1: plot.x0 - 4, x2: plot.x0, y1: py, y2: py, stroke: '#444' }));
    parts.push(tag('text', { x: plot.x0 - 6, y: py + 4, 'text-anchor': 'end', fill: '#333' }, text(y.format(v))));
  }
  return tag('g', { class: 'axes' }, ...parts);
}

function drawSeries(s: Series, x: Scale, y: Scale): string {
  const opacity = s.opacity ?? 1;
  if (s.kind === 'dots') {
    const r = s.size ?? 2.5;
    const dots = s.points.filter(([a, b]) => Number.isFinite(x(a)) && Number.isFinite(y(b))).map(([a, b]) => tag('circle', { cx: x(a), cy: y(b), r }));
    return tag('g', { fill: s.color, 'fill-opacity': opacity }, ...dots);
  }
  const d = polyline(s.points.map(([a, b]) => [x(a), y(b)] as const));
  if (!d) return '';
  return tag('path', {
    d,
    fill: 'none',
    stroke: s.color,
    'stroke-width': s.size ?? 2,
    'stroke-opacity': opacity,
    'stroke-dasharray': s.dashed ? '6 4' : undefined,
    'stroke-linejoin': 'round',
  });
}
