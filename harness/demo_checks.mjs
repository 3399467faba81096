// What harness/run.mjs expects of each demo page's result (window.__demoResult) in test mode.
// Each check returns a list of problems (empty: the demo passed) and a one-line summary.

/** Relative distance |a - b| / |b|. */
const rel = (a, b) => Math.abs(a - b) / Math.abs(b);

/** The demos the browser run opens, with the query string of their small settings. */
export const demos = [
  {
    name: 'linreg',
    query: '?test',
    check(r) {
      const problems = [];
      // Near the least-squares line: the loss within 2% of its minimum, the slope within 10%.
      if (!(rel(r.loss, r.exact.loss) < 0.02)) problems.push(`loss ${r.loss} is not within 2% of the least-squares loss ${r.exact.loss}`);
      if (!(rel(r.slope, r.exact.slope) < 0.1)) problems.push(`slope ${r.slope} is not within 10% of the least-squares slope ${r.exact.slope}`);
      const summary = `${r.optimizer}, ${r.steps} steps: slope ${r.slope?.toFixed(3)}, intercept ${r.intercept?.toFixed(2)}, loss ${r.loss?.toFixed(2)} (least squares ${r.exact?.loss?.toFixed(2)})`;
      return { problems, summary };
    },
  },
  {
    name: 'vector_spread',
    query: '?test',
    check(r) {
      const problems = [];
      if (!(r.minAngleDeg > r.initialMinAngleDeg + 1)) problems.push(`the smallest angle did not improve: ${r.initialMinAngleDeg}° -> ${r.minAngleDeg}°`);
      return { problems, summary: `${r.loss}, ${r.n} vectors in ${r.dims}-D, ${r.steps} steps: min angle ${r.initialMinAngleDeg?.toFixed(2)}° -> ${r.minAngleDeg?.toFixed(2)}°` };
    },
  },
  {
    name: 'attack',
    query: '?test',
    check(r) {
      const problems = [];
      if (r.predictedBefore !== r.label) problems.push(`the classifier misread the original ${r.label} as ${r.predictedBefore}`);
      if (r.flipped !== true) problems.push(`the label did not flip in ${r.steps} steps`);
      if (!(r.maxAbsChange <= r.steps + 1e-3)) problems.push(`a pixel changed by ${r.maxAbsChange}/255, more than 1/255 per step`);
      return { problems, summary: `digit ${r.label} read as ${r.predictedAfter} after ${r.steps} steps, largest change ${r.maxAbsChange?.toFixed(1)}/255` };
    },
  },
];
