/**
 * The article's second workload, translated: spread 20 vectors around the unit circle by
 * gradient ASCENT on a measure of how spread they are. Three measures, written with ops as the
 * article writes them with tf.*: the smallest angle between two vectors, the same with a penalty
 * on unequal nearest-neighbour angles, and (minus) the tangential Coulomb force between them.
 * Then the project's own procedure, which reaches the best arrangement: a soft maximum of the
 * cosines, sharpened as Adam runs.
 *
 *   npm run example -- vector_spread            npm run example -- vector_spread --quick
 *
 * In your own project, import from 'webgpu-descent' instead of '../src/node.js'.
 */
import { createEngine, type Tensor, type Variable } from '../src/node.js';

const quick = process.argv.includes('--quick');
const e = await createEngine();
const n = quick ? 6 : 20;
const dims = 2;

/** Angles between all pairs of rows; 2π on the diagonal so a row is never its own nearest. */
function angles(V: Tensor): Tensor {
  return V.matmul(V, false, true).acos().add(e.eye(n).mul(2 * Math.PI));
}

/** 1. The smallest angle. */
function minAngle(V: Tensor): Tensor {
  return angles(V).min();
}

/** 2. 0.7 · smallest angle − 0.3 · Σ (each row's nearest angle − their mean)². */
function minAngleWithVariance(V: Tensor): Tensor {
  const allMins = angles(V).min(1);
  const variance = allMins.sub(allMins.mean()).square().sum();
  return allMins.min().mul(0.7).sub(variance.mul(0.3));
}

/** 3. Minus the total tangential force, one pair at a time, exactly as the article's loops. */
function force(V: Tensor): Tensor {
  const perRow: Tensor[] = [];
  for (let i = 0; i < n; i++) {
    const forces: Tensor[] = [];
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const b = V.index(i);
      const diff = b.sub(V.index(j));
      const f = diff.div(diff.square().sum().sqrt().pow(3)); // Coulomb: 1 / distance²
      const radial = b.tensordot(f, 1).div(b.tensordot(b, 1)).mul(b);
      forces.push(f.sub(radial)); // only the part along the circle moves b
    }
    perRow.push(e.stack(forces).sum().square().sqrt());
  }
  return e.stack(perRow).sum().neg();
}

/** Scales every row to norm 0.999 (acos has no gradient at exactly 1): the starting vectors. */
function normalizeRows(V: Tensor): Tensor {
  return V.div(V.square().sum(1, true).sqrt()).mul(0.999);
}

/**
 * The true smallest angle in degrees, read back from the GPU: of the rows scaled to norm 1 (the
 * metrics' acos of rows of norm 0.999 reads a little more than the angle).
 */
async function minAngleDegrees(V: Tensor): Promise<number> {
  const a = e.tidy(() => {
    const X = V.div(V.square().sum(1, true).sqrt());
    return X.matmul(X, false, true).clip(-1, 1).acos().add(e.eye(n).mul(2 * Math.PI)).min();
  });
  const [radians] = await a.data();
  a.dispose();
  return (radians! * 180) / Math.PI;
}

const runs: [string, (V: Tensor) => Tensor, { steps: number; lr: number; decay: number; clipNorm?: number }][] = [
  ['min angle', minAngle, { steps: quick ? 20 : 2000, lr: 0.01, decay: 0.995 }],
  ['min angle + variance', minAngleWithVariance, { steps: quick ? 20 : 2000, lr: 0.01, decay: 0.995 }],
  ['force', force, { steps: quick ? 2 : 20, lr: 0.001, decay: 0.7, clipNorm: 200 }],
];

for (const [name, spread, { steps, lr, decay, clipNorm }] of runs) {
  const V: Variable = e.variable(e.tidy(() => normalizeRows(e.randomNormal([n, dims], { seed: 1 }))));
  const before = await minAngleDegrees(V);
  // The article's loop is `V += lr · gradient; V = normalise(V) · 0.999; every 100 steps lr *= decay`
  // (with the gradient clipped by norm for the force). That is plain SGD run uphill, a step-decay
  // schedule and a row-norm constraint: one captured GPU step, replayed `steps` times.
  const optimizer = e.optim.sgd({
    learningRate: e.optim.schedules.stepDecay({ initialLearningRate: lr, factor: decay, every: 100 }),
    ...(clipNorm !== undefined ? { clipNorm } : {}),
    constraints: [{ var: V, constraint: e.optim.constraints.unitNormRows(0.999) }],
  });
  const step = optimizer.compileStep(() => spread(V), [V], { maximize: true });
  for (let i = 0; i < steps; i++) step().dispose();
  const after = await minAngleDegrees(V);
  console.log(`${name.padEnd(22)} min angle ${before.toFixed(2)}° -> ${after.toFixed(2)}° after ${steps} steps (best possible ${(360 / n).toFixed(1)}°)`);
  step.dispose();
  optimizer.dispose();
  V.dispose();
}

// 4. The project's own: minimise (1/β)·log Σ exp(β·cos θ) over the pairs, a smooth upper bound of
//    the largest cosine (so of the smallest angle), with β growing from 10 to 2000: at first every
//    pair pushes apart, at the end only the nearest ones. β is a variable written before each step.
{
  const steps = quick ? 20 : 2000;
  const V: Variable = e.variable(e.tidy(() => normalizeRows(e.randomNormal([n, dims], { seed: 1 }))));
  const beta = e.variable(10, [], { trainable: false });
  const softMaxCosine = (): Tensor => {
    const X = V.div(V.square().sum(1, true).sqrt());
    const cosines = X.matmul(X, false, true).sub(e.eye(n).mul(1e4)); // the diagonal out of the way
    return cosines.mul(beta).logSumExp().div(beta);
  };
  const before = await minAngleDegrees(V);
  const optimizer = e.optim.adam({
    learningRate: e.optim.schedules.exponentialDecay({ initialLearningRate: 0.01, decaySteps: steps, decayRate: 0.02 }),
    constraints: [{ var: V, constraint: e.optim.constraints.unitNormRows(0.999) }],
  });
  const step = optimizer.compileStep(softMaxCosine, [V]);
  for (let i = 0; i < steps; i++) {
    beta.assign(10 * 200 ** (i / Math.max(1, steps - 1)));
    step().dispose();
  }
  const after = await minAngleDegrees(V);
  console.log(`${'soft max of cosines'.padEnd(22)} min angle ${before.toFixed(2)}° -> ${after.toFixed(2)}° after ${steps} steps (best possible ${(360 / n).toFixed(1)}°)`);
  step.dispose();
  optimizer.dispose();
  e.dispose([V, beta]);
}
e.destroy();
