/**
 * `npm start`'s main job until the example workloads land: fits weight = slope·height + intercept
 * by gradient descent on the WebGPU engine and checks it against the exact least-squares line.
 *
 *   node dist/node/cli.js [--data file.csv] [--steps 100] [--lr 0.1] [--backend webgpu|cpu]
 *
 * Without --data it reads ../shared/data/height_v_weight.csv when that exists, else it generates
 * a seeded synthetic data set of the same kind. Exits with 1 when the fit did not converge.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createEngine } from '../create_engine.js';
import { fitLine } from './fit_line.js';
import { leastSquaresLine, readHeightWeightCsv, syntheticHeightWeight } from './height_weight.js';

const DEFAULT_DATA = '../shared/data/height_v_weight.csv';

async function main(): Promise<number> {
  const { values: args } = parseArgs({
    options: {
      data: { type: 'string' },
      steps: { type: 'string', default: '100' },
      lr: { type: 'string', default: '0.1' },
      backend: { type: 'string', default: 'webgpu' },
    },
  });
  const steps = Number(args.steps);
  const learningRate = Number(args.lr);
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`--steps must be a positive integer, got ${args.steps}`);
  if (!(learningRate > 0)) throw new Error(`--lr must be a positive number, got ${args.lr}`);
  if (args.backend !== 'webgpu' && args.backend !== 'cpu') throw new Error(`--backend must be webgpu or cpu, got ${args.backend}`);

  const dataPath = args.data ?? (existsSync(DEFAULT_DATA) ? DEFAULT_DATA : undefined);
  const data = dataPath ? await readHeightWeightCsv(dataPath) : syntheticHeightWeight();

  const e = await createEngine({ backend: args.backend });
  const info = e.adapterInfo;
  const name = [info.vendor, info.architecture, info.device || info.description].filter(Boolean).join(' ');
  console.log(`adapter: ${info.backend}: ${name}${info.isSoftware ? ' (software)' : ''}`);
  console.log(`data:    ${data.source}, ${data.heights.length} samples`);
  console.log(`fitting weight = slope·height + intercept: ${steps} gradient steps, learning rate ${learningRate}`);

  const t0 = performance.now();
  const fit = await fitLine(e, data.heights, data.weights, {
    steps,
    learningRate,
    logEvery: Math.max(1, Math.round(steps / 5)),
    onLoss: (step, loss) => console.log(`  step ${String(step).padStart(5)}  mse ${loss.toFixed(4)}`),
  });
  const seconds = (performance.now() - t0) / 1000;
  const exact = leastSquaresLine(data.heights, data.weights);
  const stats = e.stats();
  const live = e.memory();
  e.destroy();

  console.log(`gradient descent: slope ${fit.slope.toFixed(4)}  intercept ${fit.intercept.toFixed(3)}  mse ${fit.loss.toFixed(4)}`);
  console.log(`least squares:    slope ${exact.slope.toFixed(4)}  intercept ${exact.intercept.toFixed(3)}`);
  console.log(
    `${seconds.toFixed(2)} s; ${stats.dispatches} dispatches, ${stats.submits} submits, ${stats.readbacks} readbacks; ` +
      `${live.tensors} tensors left`,
  );
  // float32 on standardised data: a converged fit agrees to about 1e-5 relative.
  const converged =
    Math.abs(fit.slope - exact.slope) <= 1e-3 * Math.abs(exact.slope) &&
    Math.abs(fit.intercept - exact.intercept) <= 1e-3 * Math.max(1, Math.abs(exact.intercept));
  console.log(converged ? 'converged: matches the least-squares line' : 'NOT converged: more --steps or another --lr');
  return converged ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
