/** Axis scales and tick values for the report's charts. */

/** Maps data values to pixels, and gives the tick values to label. */
export interface Scale {
  (value: number): number;
  readonly domain: readonly [number, number];
  ticks(count?: number): number[];
  /** How to print a tick value. */
  format(value: number): string;
}

/** The smallest and largest finite value of `values` ([0, 1] when there is none). */
export function extent(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/**
 * About `count` round tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten,
 * the scheme d3 and matplotlib use.
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return ticks;
}

/** Tick labels without float noise: 0.30000000000000004 -> 0.3, 25000 -> 25k. */
export function formatTick(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 1e4 && magnitude < 1e9) return `${Number((value / 1e3).toPrecision(3))}k`;
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e9)) return value.toExponential(0);
  return String(Number(value.toPrecision(6)));
}

/** [lo, hi] widened to round tick values, so that a chart's frame ends on a labelled tick. */
export function niceDomain(lo: number, hi: number, count = 5): [number, number] {
  if (!(hi > lo)) {
    const pad = Math.abs(lo) * 0.1 || 1;
    return [lo - pad, hi + pad];
  }
  const ticks = niceTicks(lo, hi, count);
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : hi - lo;
  return [Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step];
}

/** A linear scale from `domain` to the pixel `range`. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  const scale = ((v: number) => r0 + (v - d0) * k) as Scale;
  return Object.assign(scale, {
    domain: [d0, d1] as const,
    ticks: (count = 5) => niceTicks(d0, d1, count),
    format: formatTick,
  });
}

/**
 * A base-10 logarithmic scale (for losses that fall by orders of magnitude). The domain must be
 * positive; ticks are the powers of ten inside it, with 2 and 5 times them when there are few.
 */
export function logScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  if (!(d0 > 0 && d1 > 0)) throw new Error(`logScale: the domain must be positive, got [${d0}, ${d1}]`);
  const inner = linearScale([Math.log10(d0), Math.log10(d1)], range);
  const scale = ((v: number) => (v > 0 ? inner(Math.log10(v)) : NaN)) as Scale;
  return Object.assign(scale, {
    domain: [d0, d1] as const,
    ticks: () => {
      const lo = Math.floor(Math.log10(d0));
      const hi = Math.ceil(Math.log10(d1));
      const decades = Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
      const multiples = hi - lo <= 2 ? [1, 2, 5] : [1];
      return decades.flatMap((p) => multiples.map((m) => m * p)).filter((v) => v >= d0 * (1 - 1e-9) && v <= d1 * (1 + 1e-9));
    },
    format: formatTick,
  });
}

/** A log domain covering [lo, hi] (positive), widened to whole decades when it spans several. */
export function logDomain(lo: number, hi: number): [number, number] {
  if (!(lo > 0)) lo = hi > 0 ? hi / 10 : 1;
  if (!(hi > lo)) hi = lo * 10;
  const span = Math.log10(hi / lo);
  if (span >= 2) return [10 ** Math.floor(Math.log10(lo)), 10 ** Math.ceil(Math.log10(hi))];
  return [lo / 1.1, hi * 1.1];
}
