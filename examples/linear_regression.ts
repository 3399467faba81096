/**
 * The article's first workload, translated: fit weight = slope · height + intercept to 150
 * people by gradient descent, first with hand-written GradientTape steps, then with RMSprop and
 * Adam (the one-line change the article makes).
 *
 *   npm run example -- linear_regression                       (synthetic data, 25 steps)
 *   npm run example -- linear_regression height_v_weight.csv   (a CSV with Height and Weight columns)
 *   npm run example -- linear_regression --quick               (5 steps)
 *
 * In your own project, import from 'webgpu-descent' instead of '../src/node.js'.
 */
import { readFileSync } from 'node:fs';
import { createEngine, type Optimizer, type Tensor } from '../src/node.js';

const args = process.argv.slice(2);
const steps = args.includes('--quick') ? 5 : 25;
const csvPath = args.find((a) => !a.startsWith('--'));
const { heights, weights } = csvPath ? readCsv(csvPath) : syntheticPeople(150);

const e = await createEngine(); // WebGPU: a GPU if there is one, else lavapipe (CPU)
console.log(`${heights.length} people; running on ${e.adapterInfo.description || e.adapterInfo.device}`);

const height = e.tensor(heights);
const weight = e.tensor(weights);
const slope = e.variable(0);
const intercept = e.variable(0);
const meanSquaredError = (): Tensor => slope.mul(height).add(intercept).sub(weight).square().mean();

// 1. By hand, as the article's first loop: record the loss on a tape, ask for the gradients,
//    step against them. The intercept's gradient is tiny next to the slope's on raw heights
//    (~70 inches), so the article multiplies it by 1000.
const learningRate = 0.0001;
for (let step = 1; step <= steps; step++) {
  const loss = e.tidy(() => {
    const tape = e.tape();
    const loss = meanSquaredError();
    const [dSlope, dIntercept] = tape.gradient(loss, [slope, intercept]);
    tape.dispose();
    slope.assign(slope.sub(dSlope!.mul(learningRate)));
    intercept.assign(intercept.sub(dIntercept!.mul(learningRate * 1000)));
    return loss;
  });
  if (step % 5 === 0 || step === 1) console.log(`  step ${step}: loss ${(await loss.data())[0]!.toFixed(2)}`);
  loss.dispose();
}
await report('manual steps');

// 2. The same loop with an optimizer: only the update line changes.
for (const [name, makeOptimizer] of [
  ['RMSprop', () => e.optim.rmsprop({ learningRate: 0.3 })],
  ['Adam', () => e.optim.adam({ learningRate: 0.13 })],
] as [string, () => Optimizer][]) {
  slope.assign(0);
  intercept.assign(0);
  const optimizer = makeOptimizer();
  for (let step = 1; step <= steps; step++) {
    e.tidy(() => {
      const { grads } = e.valueAndGrad(meanSquaredError, [slope, intercept]);
      optimizer.applyGradients(grads, [slope, intercept]); // <- the one-line change
    });
  }
  optimizer.dispose();
  await report(name);
}

const exact = leastSquares(heights, weights);
console.log(`least squares:  slope ${exact.slope.toFixed(3)}, intercept ${exact.intercept.toFixed(2)}`);
e.destroy();

/** Prints the fitted line and its loss (one readback each). */
async function report(name: string): Promise<void> {
  const loss = e.tidy(meanSquaredError);
  const [s, b, l] = [(await slope.data())[0]!, (await intercept.data())[0]!, (await loss.data())[0]!];
  loss.dispose();
  console.log(`${`${name}:`.padEnd(15)} slope ${s.toFixed(3)}, intercept ${b.toFixed(2)}, loss ${l.toFixed(2)} after ${steps} steps`);
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

/** The exact answer, to compare with: slope = cov(h, w) / var(h). */
function leastSquares(xs: number[], ys: number[]): { slope: number; intercept: number } {
  const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  const mx = mean(xs);
  const my = mean(ys);
  const slope = mean(xs.map((x, i) => (x - mx) * (ys[i]! - my))) / mean(xs.map((x) => (x - mx) ** 2));
  return { slope, intercept: my - slope * mx };
}
