/**
 * The vector-spread part of the report: per dimension, the final vectors of each loss (circle,
 * projected sphere, or a histogram of pair angles) and the min-angle curves of all losses.
 */
import { bestKnownMinAngleDeg } from '../../workloads/vector_spread/metrics.js';
import type { VectorSpreadResult } from '../../workloads/vector_spread/run.js';
import { chart, PALETTE, type Series } from '../chart.js';
import { figure, htmlTable, paragraph, row, section } from '../html.js';
import type { Timed } from '../types.js';
import { angleHistogram, circlePlot, spherePlot } from '../vectors.js';
import { fmt, pct } from './common.js';

/** The losses in a fixed order, each with its colour. */
const LOSS_COLORS: Record<string, string> = { 'min-angle': PALETTE[0], 'min-angle-variance': PALETTE[2], force: PALETTE[1], best: PALETTE[4] };

function colorOf(loss: string): string {
  return LOSS_COLORS[loss] ?? PALETTE[4];
}

/** The picture of one result's final vectors, chosen by dimension. */
export function vectorsPicture(r: VectorSpreadResult): string {
  const title = `${r.loss}: min ${fmt(r.minAngleDeg, 3)}°`;
  const o = { color: colorOf(r.loss), title };
  if (r.dims === 2) return circlePlot(r.vectors, r.initialVectors, o);
  if (r.dims === 3) return spherePlot(r.vectors, o);
  return angleHistogram(r.vectors, r.initialVectors, { ...o, size: 220 });
}

/** The smallest angle (degrees) before each step, one curve per result. */
export function minAngleChart(results: readonly VectorSpreadResult[], dims: number, best?: number): string {
  const series: Series[] = results.map((r) => ({ label: r.loss, color: colorOf(r.loss), points: r.minAngleHistory.map((a, i) => [i + 1, a]) }));
  const steps = Math.max(2, ...results.map((r) => r.minAngleHistory.length));
  if (best !== undefined) series.push({ label: 'best known', color: '#111', dashed: true, points: [[1, best], [steps, best]] });
  return chart({ series, title: `smallest angle, ${dims}-D`, xLabel: 'step', yLabel: 'degrees', legendAt: 'bottom-right', width: 420, height: 260 });
}

/** The whole section: one block per dimension, in the order first seen. */
export function vectorSpreadSection(runs: readonly Timed<VectorSpreadResult>[]): string {
  const dims = [...new Set(runs.map((r) => r.result.dims))];
  const blocks = dims.map((d) => {
    const group = runs.filter((r) => r.result.dims === d).map((r) => r.result);
    const n = group[0]!.n;
    const caption =
      d === 2 ? 'final vectors (grey: where they started)' : d === 3 ? 'final vectors, sphere seen from above the equator (hollow: far side)' : 'angles between pairs: start (dashed) and end';
    return [
      `<h3>${d}-D: ${n} vectors</h3>`,
      row(...group.map((r) => figure(vectorsPicture(r))), figure(minAngleChart(group, d, bestKnownMinAngleDeg(n, d)))),
      paragraph(caption, 'meta'),
    ].join('');
  });
  const rows = runs.map(({ result: r, seconds }) => {
    const best = bestKnownMinAngleDeg(r.n, r.dims);
    return [
      r.loss,
      String(r.dims),
      String(r.steps),
      r.optimizer,
      `${fmt(r.lr)} x${fmt(r.lrDecay)}/${r.decayEvery}`,
      r.clipNorm === null ? '-' : fmt(r.clipNorm),
      `${fmt(r.initialMinAngleDeg, 3)}°`,
      `${fmt(r.minAngleDeg, 4)}°`,
      best === undefined ? '-' : `${fmt(best, 4)}°`,
      best === undefined ? '-' : pct(r.minAngleDeg / best),
      `${fmt(r.meanMinAngleDeg, 3)}°`,
      `${seconds.toFixed(1)} s`,
    ];
  });
  return section(
    'vector-spread',
    'Vector spread',
    paragraph(
      'N vectors on the unit sphere pushed apart by gradient ascent on a spread metric: the smallest angle between two vectors ' +
        '(min-angle), the same with a penalty on unequal nearest-neighbour angles (min-angle-variance), or minus the tangential ' +
        'Coulomb force (force). Rows are renormalised to norm 0.999 after each step, as in the article. ' +
        "'best' is the project's own: a soft maximum of the cosines between the vectors, (1/β)·log Σ exp(β·cos θ), minimised by Adam " +
        'while β grows from 10 to 2000 — at first every pair pushes apart, at the end only the nearest ones — which reaches the ' +
        'max-min arrangement. Best known: 360°/N in 2-D, the Tammes arrangement in 3-D (47.43° for 20), the regular simplex ' +
        'arccos(−1/(N−1)) when D ≥ N − 1.',
    ),
    ...blocks,
    htmlTable(['loss', 'dims', 'steps', 'update', 'learning rate', 'clip norm', 'min angle start', 'min angle end', 'best known', 'of best', 'mean nearest', 'time'], rows),
  );
}
