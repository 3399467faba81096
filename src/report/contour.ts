/**
 * Contour plots for the report: the level lines of a function of two variables (marching
 * squares on a grid, lines interpolated linearly along the cell edges), drawn by `chart` with any
 * series over them (optimisation paths, points).
 */
import { chart, type ChartOptions, type Series } from './chart.js';

/**
 * The segments where f(x, y) = level on an nx x ny grid of cells over the domain: pairs of points
 * with [NaN, NaN] between pairs, as `polyline` (and so a chart series) takes them.
 */
export function contourSegments(
  f: (x: number, y: number) => number,
  xDomain: readonly [number, number],
  yDomain: readonly [number, number],
  level: number,
  nx = 120,
  ny = 90,
): [number, number][] {
  const [x0, x1] = xDomain;
  const [y0, y1] = yDomain;
  const xs = Array.from({ length: nx + 1 }, (_, i) => x0 + ((x1 - x0) * i) / nx);
  const ys = Array.from({ length: ny + 1 }, (_, j) => y0 + ((y1 - y0) * j) / ny);
  const v = ys.map((y) => xs.map((x) => f(x, y) - level));
  const out: [number, number][] = [];
  // Where the value crosses 0 along the edge from (xa, ya, va) to (xb, yb, vb), if it does.
  const cross = (xa: number, ya: number, va: number, xb: number, yb: number, vb: number): [number, number] | null => {
    if (va >= 0 === vb >= 0 || !Number.isFinite(va) || !Number.isFinite(vb)) return null;
    const t = va / (va - vb);
    return [xa + (xb - xa) * t, ya + (yb - ya) * t];
  };
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const [a, b, c, d] = [v[j]![i]!, v[j]![i + 1]!, v[j + 1]![i + 1]!, v[j + 1]![i]!];
      // Edges in order round the cell: bottom (a-b), right (b-c), top (c-d), left (d-a).
      const bottom = cross(xs[i]!, ys[j]!, a, xs[i + 1]!, ys[j]!, b);
      const right = cross(xs[i + 1]!, ys[j]!, b, xs[i + 1]!, ys[j + 1]!, c);
      const top = cross(xs[i + 1]!, ys[j + 1]!, c, xs[i]!, ys[j + 1]!, d);
      const left = cross(xs[i]!, ys[j + 1]!, d, xs[i]!, ys[j]!, a);
      const hits = [bottom, right, top, left].filter((p): p is [number, number] => p !== null);
      if (hits.length === 2) out.push(hits[0]!, hits[1]!, [NaN, NaN]);
      else if (hits.length === 4) {
        // A saddle cell: the centre's side decides which corners the level line cuts off.
        const centreWithA = (a + b + c + d) / 4 >= 0 === a >= 0;
        const pairs = centreWithA ? [[bottom, right], [top, left]] : [[left, bottom], [right, top]];
        for (const [p, q] of pairs) out.push(p!, q!, [NaN, NaN]);
      }
    }
  }
  return out;
}

/** Options of `contourPlot`: the chart's, with the function, its levels and the series over it. */
export interface ContourOptions extends Omit<ChartOptions, 'series' | 'xDomain' | 'yDomain' | 'yScale'> {
  f: (x: number, y: number) => number;
  xDomain: readonly [number, number];
  yDomain: readonly [number, number];
  /** The values whose level lines are drawn. */
  levels: readonly number[];
  /** Series drawn over the level lines (paths, points). */
  series?: readonly Series[];
  /** Grid cells along x and y (default 120 x 90). */
  grid?: readonly [number, number];
  /** Colour of the level lines (default a light grey). */
  lineColor?: string;
}

/** The level lines of `f` over the domain, as a chart, with `series` over them. */
export function contourPlot(o: ContourOptions): string {
  const [nx, ny] = o.grid ?? [120, 90];
  const lines: Series[] = o.levels.map((level) => ({
    color: o.lineColor ?? '#9aa5b1',
    size: 1,
    points: contourSegments(o.f, o.xDomain, o.yDomain, level, nx, ny),
  }));
  const { f: _f, levels: _levels, grid: _grid, lineColor: _lineColor, series = [], ...rest } = o;
  return chart({ ...rest, series: [...lines, ...series] });
}
