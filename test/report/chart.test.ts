// The SVG plotting: scales and ticks, charts with series and legends, vector pictures, bars.
import { describe, expect, it } from 'vitest';
import {
  angleHistogram,
  chart,
  circlePlot,
  contourPlot,
  contourSegments,
  escapeXml,
  htmlTable,
  linearScale,
  logDomain,
  logScale,
  niceDomain,
  niceTicks,
  pairAnglesDeg,
  polyline,
  probabilityBars,
  project,
  spherePlot,
  tag,
} from '../../src/report/index.js';

describe('scales', () => {
  it('picks round ticks', () => {
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(58.3, 79.9, 5)).toEqual([60, 65, 70, 75]);
    expect(niceTicks(0.1, 0.35, 5)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3, 0.35].map((v) => expect.closeTo(v, 12)));
    expect(niceDomain(58.3, 79.9)).toEqual([55, 80]);
    expect(niceDomain(3, 3)).toEqual([2.7, 3.3]);
  });

  it('maps linearly and logarithmically', () => {
    const x = linearScale([0, 10], [50, 150]);
    expect([x(0), x(5), x(10)]).toEqual([50, 100, 150]);
    const y = logScale([1, 1000], [300, 0]);
    expect([y(1), y(10), y(1000)].map((v) => Math.round(v))).toEqual([300, 200, 0]);
    expect(y(0)).toBeNaN();
    expect(y.ticks()).toEqual([1, 10, 100, 1000]);
    expect(logScale([100, 1000], [0, 1]).ticks()).toEqual([100, 200, 500, 1000]);
    expect(logDomain(112, 34000)).toEqual([100, 100000]);
    expect(() => logScale([0, 1], [0, 1])).toThrow(/logScale: the domain must be positive, got \[0, 1\]/);
  });
});

describe('svg', () => {
  it('escapes text and attributes and rounds coordinates', () => {
    expect(escapeXml(`a<b & "c" 'd'>`)).toBe('a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;');
    expect(tag('circle', { cx: 1.23456, title: 'x"y', hidden: false, open: true })).toBe('<circle cx="1.23" title="x&quot;y" open="open"/>');
    expect(polyline([[0, 0], [1, NaN], [2, 2], [3, 3]])).toBe('M0 0M2 2L3 3');
  });

  it('draws a chart: frame, one path per line series, dots, legend, labels', () => {
    const svg = chart({
      title: 'loss',
      xLabel: 'step',
      yLabel: 'mse',
      yScale: 'log',
      series: [
        { label: 'adam', color: '#f00', points: [[1, 1000], [2, 100], [3, 10]] },
        { label: 'data', color: '#00f', kind: 'dots', points: [[1, 5], [2, 50]] },
      ],
    });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 480 300"/);
    expect(svg.match(/<path d=/g)).toHaveLength(1);
    expect(svg.match(/<circle /g)!.length).toBeGreaterThanOrEqual(2 + 1); // dots and the legend swatch
    for (const text of ['>loss<', '>step<', '>mse<', '>adam<', '>data<', '>1000<']) expect(svg).toContain(text);
  });

  it('draws vectors on a circle, on a sphere, and as angle histograms', () => {
    const vectors = [[1, 0], [0, 1], [-1, 0]];
    const circle = circlePlot(vectors, [[0.9, 0.1]], { color: '#123456', title: 'min 90°' });
    expect(circle.match(/stroke="#123456"/g)).toHaveLength(3);
    expect(circle).toContain('min 90°');
    expect(project([0, 0, 1])[1]).toBeCloseTo(Math.cos(Math.PI / 9));
    const sphere = spherePlot([[0, 0, 1], [0, 0, -1]], { color: '#123456' });
    expect(sphere.match(/fill="#123456"/g)).toHaveLength(1); // one in front, one behind (hollow)
    expect(pairAnglesDeg(vectors).map(Math.round)).toEqual([90, 180, 90]);
    expect(angleHistogram([[1, 0, 0], [0, 1, 0]], [[1, 0, 0], [1, 0.1, 0]], { color: '#123456' })).toContain('angles between pairs');
  });

  it('draws class probabilities as paired bars', () => {
    const bars = probabilityBars([0.9, 0.1], [0.2, 0.8], { label: 0 });
    expect(bars.match(/<rect /g)).toHaveLength(4);
    expect(bars).toContain('class 1 after: 0.8000');
    expect(bars).toContain('text-decoration="underline"');
  });
});

describe('contours', () => {
  /** The points of a segment list, without the NaN breaks. */
  const pointsOf = (segments: [number, number][]): [number, number][] => segments.filter(([x]) => !Number.isNaN(x));

  it('traces a level line: a circle of x² + y²', () => {
    const segments = contourSegments((x, y) => x * x + y * y, [-2, 2], [-1.5, 1.5], 1, 80, 60);
    const points = pointsOf(segments);
    expect(points.length).toBeGreaterThan(100);
    // Pairs, each followed by a break.
    expect(segments.length).toBe((points.length / 2) * 3);
    for (const [x, y] of points) expect(Math.hypot(x, y)).toBeCloseTo(1, 2);
    // Around the whole circle: points in every quadrant.
    expect(new Set(points.map(([x, y]) => `${x > 0}${y > 0}`)).size).toBe(4);
  });

  it('splits saddle cells the right way, and draws nothing where the level is not reached', () => {
    // x·y = 0.3 on a coarse grid whose cell at the origin is a saddle at level 0.
    for (const [x, y] of pointsOf(contourSegments((x, y) => x * y, [-1, 1], [-1, 1], 0.3, 8, 8))) expect(x * y).toBeCloseTo(0.3, 1);
    const saddle = pointsOf(contourSegments((x, y) => x * y + 0.01, [-1, 1], [-1, 1], 0, 1, 1));
    expect(saddle).toHaveLength(4);
    expect(contourSegments((x, y) => x * x + y * y, [-1, 1], [-1, 1], 5)).toEqual([]);
  });

  it('draws the level lines under the given series, in a chart', () => {
    const svg = contourPlot({
      f: (x, y) => x * x + 10 * y * y,
      levels: [0.5, 1, 2],
      xDomain: [-2, 2],
      yDomain: [-1, 1],
      series: [{ label: 'path', color: '#f00', points: [[1.5, 0.5], [0, 0]] }],
      title: 'bowl',
    });
    expect(svg.match(/<path d=/g)).toHaveLength(4);
    expect(svg.indexOf('stroke="#9aa5b1"')).toBeLessThan(svg.indexOf('stroke="#f00"'));
    for (const text of ['>bowl<', '>path<']) expect(svg).toContain(text);
  });
});

describe('htmlTable', () => {
  it('right-aligns columns of numbers only', () => {
    const t = htmlTable(['run', 'loss', 'angle'], [['adam', '112.5', '44.7°'], ['sgd', '1e-4', '-']]);
    expect(t).toContain('<th>run</th><th class="num">loss</th><th class="num">angle</th>');
    expect(t).toContain('<td>adam</td><td class="num">112.5</td>');
  });
});
