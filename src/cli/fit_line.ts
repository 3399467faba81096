import type { Engine } from '../engine.js';

/** Options of `fitLine`. */
export interface FitLineOptions {
  /** Gradient steps. */
  steps: number;
  /** Step size on the standardised problem (below 1 converges; 0.1 is smooth). */
  learningRate: number;
  /** Called every `logEvery` steps (and after the last) with the loss in the data's units. */
  onLoss?: (step: number, loss: number) => void;
  logEvery?: number;
}

/** The fitted line `y = slope·x + intercept` and its mean squared error. */
export interface LineFit {
  slope: number;
  intercept: number;
  /** Mean squared error in the data's units (pounds²). */
  loss: number;
}

/**
 * Fits y = slope·x + intercept by plain gradient descent on the engine's device: each step is
 * one `valueAndGrad` of the mean squared error and one update of both variables.
 *
 * Heights near 70 make the raw problem badly conditioned (the intercept learns ~5000 times
 * slower than the slope), so x and y are standardised first and the line is mapped back at the
 * end; on the standardised problem the loss's Hessian is 2·I and every step shrinks the error
 * by the same factor (1 − 2·learningRate).
 */
export async function fitLine(e: Engine, xs: readonly number[], ys: readonly number[], options: FitLineOptions): Promise<LineFit> {
  const { mean: mx, std: sx } = moments(xs);
  const { mean: my, std: sy } = moments(ys);
  const x = e.tensor(xs.map((v) => (v - mx) / sx));
  const y = e.tensor(ys.map((v) => (v - my) / sy));
  const a = e.variable(0, [], { name: 'slope' });
  const b = e.variable(0, [], { name: 'intercept' });
  const mse = () => x.mul(a).add(b).sub(y).square().mean();
  const logEvery = options.logEvery ?? 0;

  for (let step = 1; step <= options.steps; step++) {
    const wantLoss = options.onLoss && logEvery > 0 && (step % logEvery === 0 || step === options.steps);
    const loss = e.tidy(() => {
      const { value, grads } = e.valueAndGrad(mse, [a, b]);
      a.assign(a.sub(grads[0]!.mul(options.learningRate)));
      b.assign(b.sub(grads[1]!.mul(options.learningRate)));
      // Only the logged steps read anything back; the others stay on the GPU.
      return wantLoss ? value : undefined;
    });
    if (loss) {
      const [v] = await loss.data();
      loss.dispose();
      options.onLoss!(step, v! * sy * sy);
    }
  }

  const [aStd] = await a.data();
  const [bStd] = await b.data();
  const lossStd = e.tidy(mse);
  const [l] = await lossStd.data();
  e.dispose([x, y, a, b, lossStd]);
  const slope = (aStd! * sy) / sx;
  return { slope, intercept: my + bStd! * sy - slope * mx, loss: l! * sy * sy };
}

function moments(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  if (!(variance > 0)) throw new Error(`fitLine: all ${values.length} values are equal; no line can be fitted`);
  return { mean, std: Math.sqrt(variance) };
}
