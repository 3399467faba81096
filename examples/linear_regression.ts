/**
 * The article's first workload, translated: fit weight = slope · height + intercept to 150 men by
 * gradient descent, first with hand-written GradientTape steps, then with RMSprop and Adam (the
 * one-line change the article makes). The settings are its companion notebook's: a start from the
 * least-squares slope and intercept −180, learning rate 2e-5 with the intercept's gradient times
 * 1000 by hand, 0.1 for RMSprop (25 steps) and Adam (50).
 *
 *   npm run example -- linear_regression                       (the article's data, data/height_v_weight.csv)
 *   npm run example -- linear_regression people.csv            (a CSV with Height and Weight columns)
 *   npm run example -- linear_regression --generated           (150 generated samples)
 *   npm run example -- linear_regression --quick               (5 steps each)
 *
 * Run it from the repository root (npm run example does). In your own project, import from
 * 'webgpu-descent' instead of '../src/node.js'.
 */
import { readFileSync } from 'node:fs';
import { createEngine, type Optimizer, type Tensor } from '../src/node.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const csvPath = args.find((a) => !a.startsWith('--')) ?? 'data/height_v_weight.csv';
const { heights, weights } = args.includes('--generated') ? syntheticPeople(150) : readCsv(csvPath);
const exact = leastSquares(heights, weights);

const e = await createEngine(); // WebGPU: a GPU if there is one, else lavapipe (CPU)
console.log(`${heights.length} people; running on ${e.adapterInfo.description || e.adapterInfo.device}`);

const height = e.tensor(heights);
const weight = e.tensor(weights);
// The notebook's "reasonable initial guess": the exact slope, and an intercept 50 lb too high.
const start = { slope: exact.slope, intercept: -180 };
const slope = e.variable(start.slope);
const intercept = e.variable(start.intercept);
const meanSquaredError = (): Tensor => slope.mul(height).add(intercept).sub(weight).square().mean();

// 1. By hand, as the article's first loop: record the loss on a tape, ask for the gradients,
//    step against them. The intercept's gradient is tiny next to the slope's on raw heights
//    (~70 inches), so the article multiplies it by 1000.
const learningRate = 2e-5;
let steps = quick ? 5 : 25;
let loss = NaN;
for (let step = 1; step <= steps; step++) {
  const value = e.tidy(() => {
    const tape = e.tape();
    const value = meanSquaredError();
    const [dSlope, dIntercept] = tape.gradient(value, [slope, intercept]);
    tape.dispose();
    slope.assign(slope.sub(dSlope!.mul(learningRate)));
    intercept.assign(intercept.sub(dIntercept!.mul(learningRate * 1000)));
    return value;
  });
  // Reading a value waits for the GPU: only now and then, and the last one (reported before the
  // final update, as the notebook does).
  if (step % 5 === 0 || step === 1 || step === steps) {
    loss = (await value.data())[0]!;
    console.log(`  step ${step}: loss ${loss.toFixed(2)}`);
  }
  value.dispose();
}
await report('manual steps');

// 2. The same loop with an optimizer: only the update line changes. (The notebook's Keras, TF 2.1,
//    adds RMSprop's epsilon to √ms rather than inside the root.)
for (const [name, makeOptimizer, n] of [
  ['RMSprop', () => e.optim.rmsprop({ learningRate: 0.1, epsilonInsideSqrt: false }), 25],
  ['Adam', () => e.optim.adam({ learningRate: 0.1 }), 50],
] as [string, () => Optimizer, number][]) {
  slope.assign(start.slope);
  intercept.assign(start.intercept);
  const optimizer = makeOptimizer();
  steps = quick ? 5 : n;
  for (let step = 1; step <= steps; step++) {
    const value = e.tidy(() => {
      const { value, grads } = e.valueAndGrad(meanSquaredError, [slope, intercept]);
      optimizer.applyGradients(grads, [slope, intercept]); // <- the one-line change
      return value;
    });
    // The notebook reports the last loss it recorded, before the final update.
    if (step === steps) loss = (await value.data())[0]!;
    value.dispose();
  }
  optimizer.dispose();
  await report(name);
}

console.log(`least squares:  slope ${exact.slope.toFixed(2)}, intercept ${exact.intercept.toFixed(2)}, loss ${exact.loss.toFixed(1)}`);
e.destroy();

/** Prints the fitted line and the last recorded loss as the notebook prints them. */
async function report(name: string): Promise<void> {
  const [s, b] = [(await slope.data())[0]!, (await intercept.data())[0]!];
  console.log(`${`${name}:`.padEnd(15)} slope ${s.toFixed(2)}, intercept ${b.toFixed(2)}, loss ${loss.toFixed(1)} after ${steps} steps`);
}

/** Reads the Height and Weight columns of a CSV file (header names may carry spaces). */
function readCsv(path: string): { heights: number[]; weights: number[] } {
  const [header, ...rows] = readFileSync(path, 'utf8').trim().split(/\r?\n/).map((line) => line.split(',').map((f) => f.trim().replace(/^"|"$/g, '')));
  const column = (name: string): number[] => rows.map((r) => Number(r[header!.indexOf(name)]));
  return { heights: column('Height'), weights: column('Weight') };
}

/** Seeded stand-in for the article's data: heights ~ N(69, 2.5), weight = 6·height − 230 + N(0, 11). */
function syntheticPeople(n: number): { heights: number[]; weights: number[] } {
  let seed = 42;
  const uniform = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
  const normal = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const heights = Array.from({ length: n }, () => 69 + 2.5 * normal());
  return { heights, weights: heights.map((h) => 6 * h - 230 + 11 * normal()) };
}

/** The exact answer, to compare with: slope = cov(h, w) / var(h), and its loss. */
function leastSquares(xs: number[], ys: number[]): { slope: number; intercept: number; loss: number } {
  const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  const mx = mean(xs);
  const my = mean(ys);
  const slope = mean(xs.map((x, i) => (x - mx) * (ys[i]! - my))) / mean(xs.map((x) => (x - mx) ** 2));
  const intercept = my - slope * mx;
  return { slope, intercept, loss: mean(xs.map((x, i) => (slope * x + intercept - ys[i]!) ** 2)) };
}
