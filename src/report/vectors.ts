/**
 * Pictures of the vector-spread results: vectors on the unit circle (2-D), on a projected sphere
 * (3-D), and for higher dimensions the distribution of the angles between pairs.
 */
import { chart, svg } from './chart.js';
import { tag, text } from './xml.js';

/** Options shared by the vector plots. */
export interface VectorPlotOptions {
  /** Colour of the final vectors. */
  color: string;
  title?: string;
  /** Side of the square picture in pixels (default 240). */
  size?: number;
}

/**
 * 2-D vectors as spokes from the centre of the unit circle (the final ones in colour, the starting
 * ones as grey dots), the way the article draws them.
 */
export function circlePlot(vectors: readonly (readonly number[])[], initial: readonly (readonly number[])[] | undefined, o: VectorPlotOptions): string {
  const size = o.size ?? 240;
  const top = o.title ? 22 : 4;
  const r = (size - top - 12) / 2;
  const cx = size / 2;
  const cy = top + 4 + r;
  const parts = [
    tag('circle', { cx, cy, r, fill: 'none', stroke: '#999' }),
    tag('line', { x1: cx - r, x2: cx + r, y1: cy, y2: cy, stroke: '#eee' }),
    tag('line', { x1: cx, x2: cx, y1: cy - r, y2: cy + r, stroke: '#eee' }),
  ];
  for (const v of initial ?? []) parts.push(tag('circle', { cx: cx + r * v[0]!, cy: cy - r * v[1]!, r: 2.5, fill: '#aaa' }));
  for (const v of vectors) {
    const px = cx + r * v[0]!;
    const py = cy - r * v[1]!;
    parts.push(tag('line', { x1: cx, y1: cy, x2: px, y2: py, stroke: o.color, 'stroke-width': 1.5 }));
    parts.push(tag('circle', { cx: px, cy: py, r: 3, fill: o.color }));
  }
  if (o.title) parts.push(tag('text', { x: size / 2, y: 15, 'text-anchor': 'middle', 'font-weight': 'bold' }, text(o.title)));
  return svg(size, size, parts.join(''));
}

/** Azimuth and elevation of the view in `spherePlot` (radians). */
const AZIMUTH = Math.PI / 6;
const ELEVATION = Math.PI / 9;

/** A 3-D point seen from the fixed viewpoint: screen x, screen y (up), depth (towards the viewer). */
export function project(v: readonly number[]): [number, number, number] {
  const [x, y, z] = [v[0] ?? 0, v[1] ?? 0, v[2] ?? 0];
  // Turn about the vertical (z) axis, then tilt towards the viewer.
  const x1 = x * Math.cos(AZIMUTH) - y * Math.sin(AZIMUTH);
  const y1 = x * Math.sin(AZIMUTH) + y * Math.cos(AZIMUTH);
  const up = z * Math.cos(ELEVATION) - y1 * Math.sin(ELEVATION);
  const depth = z * Math.sin(ELEVATION) + y1 * Math.cos(ELEVATION);
  return [x1, up, -depth];
}

/**
 * 3-D vectors as points on the unit sphere, projected orthographically: the outline and the
 * equator are drawn; points on the near side are solid, those behind are hollow.
 */
export function spherePlot(vectors: readonly (readonly number[])[], o: VectorPlotOptions): string {
  const size = o.size ?? 240;
  const top = o.title ? 22 : 4;
  const r = (size - top - 12) / 2;
  const cx = size / 2;
  const cy = top + 4 + r;
  const equator = Array.from({ length: 73 }, (_, i) => project([Math.cos((i * Math.PI) / 36), Math.sin((i * Math.PI) / 36), 0]));
  const path = equator.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${(cx + r * x).toFixed(1)} ${(cy - r * y).toFixed(1)}`).join('');
  const parts = [tag('circle', { cx, cy, r, fill: '#fafafa', stroke: '#999' }), tag('path', { d: path, fill: 'none', stroke: '#ccc', 'stroke-dasharray': '3 3' })];
  const points = vectors.map((v) => project(v)).sort((a, b) => a[2] - b[2]);
  for (const [x, y, depth] of points) {
    const front = depth >= 0;
    parts.push(
      tag('circle', {
        cx: cx + r * x,
        cy: cy - r * y,
        r: front ? 4 : 3,
        fill: front ? o.color : 'white',
        stroke: o.color,
        'stroke-opacity': front ? 1 : 0.6,
      }),
    );
  }
  if (o.title) parts.push(tag('text', { x: size / 2, y: 15, 'text-anchor': 'middle', 'font-weight': 'bold' }, text(o.title)));
  return svg(size, size, parts.join(''));
}

/** Angles in degrees between every pair of rows. */
export function pairAnglesDeg(vectors: readonly (readonly number[])[]): number[] {
  const norms = vectors.map((v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0)));
  const out: number[] = [];
  for (let i = 0; i < vectors.length; i++) {
    for (let j = i + 1; j < vectors.length; j++) {
      let dot = 0;
      for (let k = 0; k < vectors[i]!.length; k++) dot += vectors[i]![k]! * vectors[j]![k]!;
      out.push((Math.acos(Math.max(-1, Math.min(1, dot / (norms[i]! * norms[j]!)))) * 180) / Math.PI);
    }
  }
  return out;
}

/**
 * For any dimension: histograms (5° bins) of the angles between pairs of vectors at the start
 * and at the end. Spreading moves the mass away from small angles.
 */
export function angleHistogram(vectors: readonly (readonly number[])[], initial: readonly (readonly number[])[], o: VectorPlotOptions): string {
  const bins = 36;
  const counts = (vs: readonly (readonly number[])[]): [number, number][] => {
    const c = new Array<number>(bins).fill(0);
    for (const a of pairAnglesDeg(vs)) c[Math.min(bins - 1, Math.floor(a / 5))]!++;
    // A step outline: each bin is a flat segment.
    return c.flatMap((n, i) => [[i * 5, n], [(i + 1) * 5, n]] as [number, number][]);
  };
  return chart({
    width: o.size ? o.size * 1.6 : 380,
    height: o.size ?? 240,
    title: o.title ?? 'angles between pairs',
    xLabel: 'angle (degrees)',
    yLabel: 'pairs',
    xDomain: [0, 180],
    series: [
      { label: 'start', color: '#999', points: counts(initial), dashed: true },
      { label: 'end', color: o.color, points: counts(vectors) },
    ],
  });
}
