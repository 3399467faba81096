/** Summary statistics of a list of timings (milliseconds). */

/** Median, extremes and spread of a sample. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  /** (max - min) / median: how much the runs disagree (0 for a single run). */
  spread: number;
  /** The samples, in the order they were taken. */
  samples: number[];
}

/** Median (mean of the two middle values for an even count), min, max and relative spread. */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('summarize: no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const min = sorted[0]!;
  const max = sorted[sorted.length - 1]!;
  return { median, min, max, spread: median > 0 ? (max - min) / median : 0, samples: [...samples] };
}
