/**
 * Demo: the article's linear regression on its 150 samples, on navigator.gpu, animated. The line
 * moves towards the data while the loss falls; the exact least-squares line is dashed.
 *
 * Query parameters: optimizer=momentum|manual|rmsprop|adam, lr, k (the intercept-gradient
 * scale), steps, test (small settings for the browser test suite).
 *
 * 'manual' is the article's hand-written step; 'momentum' is the same step with SGD momentum 0.9
 * (one line changed), which walks the long, narrow valley of the unnormalised problem to the
 * least-squares line in a few hundred steps where plain steps need thousands.
 */
import { createEngine, type Optimizer, type Tensor } from '../../src/index.js';
import { articleHeightWeight } from '../../src/workloads/data/height_weight.js';
import { leastSquaresLine } from '../../src/workloads/data/least_squares.js';
import { choiceParam, describeAdapter, nextFrame, numberParam, runDemo, status, testMode } from './lib/page.js';
import { domainOf, Plot } from './lib/plot.js';

const optimizers = ['momentum', 'manual', 'rmsprop', 'adam'] as const;
const defaults = {
  momentum: { lr: 1e-4, k: testMode ? 4000 : 1000, steps: testMode ? 500 : 1000 },
  manual: { lr: 1e-4, k: 1000, steps: 25 },
  rmsprop: { lr: 0.3, k: 1, steps: 25 },
  adam: { lr: 0.13, k: 1, steps: 25 },
};

void runDemo(async () => {
  const optimizer = choiceParam('optimizer', optimizers, 'momentum');
  const lr = numberParam('lr', defaults[optimizer].lr);
  const k = numberParam('k', defaults[optimizer].k);
  const steps = numberParam('steps', defaults[optimizer].steps);
  const perFrame = Math.max(1, Math.ceil(steps / (testMode ? 10 : 100)));

  const data = articleHeightWeight();
  const exact = leastSquaresLine(data.heights, data.weights);
  const e = await createEngine();
  const adapter = describeAdapter(e);
  document.querySelector('#setup')!.textContent =
    `${data.source}; ${optimizer}, learning rate ${lr}, intercept gradient x${k}, ${steps} steps; ${adapter}`;

  const height = e.tensor(data.heights);
  const weight = e.tensor(data.weights);
  const slope = e.variable(0);
  const intercept = e.variable(0);
  const mse = (): Tensor => slope.mul(height).add(intercept).sub(weight).square().mean();
  const opt: Optimizer | null =
    optimizer === 'manual' ? null : optimizer === 'momentum' ? e.optim.sgd({ learningRate: lr, momentum: 0.9 }) : e.optim[optimizer]({ learningRate: lr });
  const losses = e.optim.lossRecorder(steps);
  // One gradient step (the article's loop body, with the optimizer line swapped in).
  const body = (): Tensor => {
    const { value, grads } = e.valueAndGrad(mse, [slope, intercept]);
    const dSlope = grads[0]!;
    const dIntercept = grads[1]!.mul(k);
    if (opt) opt.applyGradients([dSlope, dIntercept], [slope, intercept]);
    else {
      slope.assign(slope.sub(dSlope.mul(lr)));
      intercept.assign(intercept.sub(dIntercept.mul(lr)));
    }
    losses.record(value);
    return value;
  };
  // The first step runs eagerly: an optimizer's first update moves the variables into its
  // parameter arena, and a capture must see them where they will stay. Later steps are captured
  // once and replayed on the GPU.
  e.tidy(body).dispose();
  const step = e.compile(body);

  const fit = new Plot(document.querySelector<HTMLCanvasElement>('#fit')!, {
    x: domainOf(data.heights),
    y: domainOf(data.weights),
    title: 'weight = slope · height + intercept',
    xLabel: 'height (inches)',
    yLabel: 'weight (pounds)',
  });
  const points = data.heights.map((h, i) => [h, data.weights[i]!] as const);
  const lineAt = (s: number, b: number): [number, number][] => fit.x.domain.map((x) => [x, s * x + b] as [number, number]);
  let lossHistory: number[] = [];
  let slopeNow = 0;
  let interceptNow = 0;
  for (let done = 1; done < steps; ) {
    const n = Math.min(perFrame, steps - done);
    for (let i = 0; i < n; i++) step().dispose();
    done += n;
    // One readback per frame: the line and the losses so far.
    const [s, b, l] = await Promise.all([slope.data(), intercept.data(), losses.read()]);
    slopeNow = s[0]!;
    interceptNow = b[0]!;
    lossHistory = Array.from(l);
    fit.clear();
    fit.dots(points, '#999');
    fit.line(lineAt(exact.slope, exact.intercept), '#111', { dashed: true });
    fit.line(lineAt(slopeNow, interceptNow), '#1f77b4', { width: 2.5 });
    fit.legend([{ label: `step ${done}`, color: '#1f77b4' }, { label: 'least squares', color: '#111', dashed: true }]);
    drawLoss(lossHistory, steps, exact.loss);
    status(`step ${done}/${steps}: slope ${slopeNow.toFixed(3)}, intercept ${interceptNow.toFixed(2)}, loss ${lossHistory.at(-1)!.toFixed(2)} (least squares ${exact.loss.toFixed(2)})`);
    await nextFrame();
  }
  step.dispose();
  opt?.dispose();
  losses.dispose();
  e.dispose([height, weight, slope, intercept]);
  e.destroy();
  // The loss after the last update, in float64, to compare with the least-squares loss.
  const finalLoss = data.heights.reduce((sum, h, i) => sum + (slopeNow * h + interceptNow - data.weights[i]!) ** 2, 0) / data.heights.length;
  return { adapter, optimizer, steps, slope: slopeNow, intercept: interceptNow, loss: finalLoss, lossHistory, exact };
});

function drawLoss(history: readonly number[], steps: number, exactLoss: number): void {
  const plot = new Plot(document.querySelector<HTMLCanvasElement>('#loss')!, {
    x: [1, Math.max(2, steps)],
    y: [10 ** Math.floor(Math.log10(exactLoss)), 10 ** Math.ceil(Math.log10(Math.max(exactLoss * 10, ...history)))],
    logY: true,
    title: 'loss (mean squared error)',
    xLabel: 'step',
    yLabel: 'loss',
  });
  plot.clear();
  plot.line([[1, exactLoss], [steps, exactLoss]], '#111', { dashed: true, width: 1.5 });
  plot.line(history.map((l, i) => [i + 1, l]), '#d62728');
}
