/**
 * Demo: the article's vector spread on navigator.gpu, animated: N vectors on the unit circle (or
 * a sphere seen from one side, with dims=3) pushed apart by gradient ascent on a spread metric,
 * and the smallest angle between two of them rising.
 *
 * Query parameters: loss=min-angle|min-angle-variance|force, n, dims (2 or 3), steps, lr, seed,
 * test (small settings for the browser test suite).
 */
import { createEngine, type Tensor } from '../../src/index.js';
import { project } from '../../src/report/vectors.js';
import { normalGenerator } from '../../src/workloads/data/random.js';
import { choiceParam, describeAdapter, nextFrame, numberParam, runDemo, status, testMode } from './lib/page.js';
import { Plot } from './lib/plot.js';

const losses = ['min-angle', 'min-angle-variance', 'force'] as const;

void runDemo(async () => {
  const loss = choiceParam('loss', losses, 'min-angle');
  const n = numberParam('n', 20);
  const dims = numberParam('dims', 2) === 3 ? 3 : 2;
  const force = loss === 'force';
  const steps = numberParam('steps', force ? (testMode ? 3 : 40) : testMode ? 300 : 2000);
  const lr = numberParam('lr', force ? 0.001 : 0.01);
  const perFrame = Math.max(1, Math.ceil(steps / (testMode ? 10 : 200)));

  const e = await createEngine();
  const adapter = describeAdapter(e);
  document.querySelector('#setup')!.textContent = `${n} vectors in ${dims}-D, loss ${loss}, ${steps} steps, learning rate ${lr}; ${adapter}`;

  const start = startingVectors(n, dims, numberParam('seed', 1));
  const V = e.variable(start.flat(), [n, dims]);
  // The article's loop: V += lr · gradient, rows back to norm 0.999, lr decayed every 100 steps.
  const opt = e.optim.sgd({
    learningRate: e.optim.schedules.stepDecay({ initialLearningRate: lr, factor: force ? 0.7 : 0.995, every: 100 }),
    ...(force ? { clipNorm: 200 } : {}),
    constraints: [{ var: V, constraint: e.optim.constraints.unitNormRows(0.999) }],
  });
  const minAngles = e.optim.lossRecorder(steps);
  const metric = (x: Tensor): Tensor => (loss === 'min-angle' ? minAngle(x) : loss === 'min-angle-variance' ? minAngleWithVariance(x) : totalForce(x));
  const step = opt.compileStep(
    () => {
      const value = metric(V);
      minAngles.record(loss === 'min-angle' ? value : minAngle(V));
      return value;
    },
    [V],
    { maximize: true },
  );

  const startMin = minAngleDegrees(start);
  let vectors = start;
  let history: number[] = [];
  for (let done = 0; done < steps; ) {
    const count = Math.min(perFrame, steps - done);
    for (let i = 0; i < count; i++) step().dispose();
    done += count;
    const [flat, radians] = await Promise.all([V.data(), minAngles.read()]);
    vectors = Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * dims, (i + 1) * dims)));
    history = Array.from(radians, (r) => (r * 180) / Math.PI);
    drawVectors(vectors, start, dims);
    drawHistory(history, steps, dims === 2 ? 360 / n : undefined);
    status(`step ${done}/${steps}: smallest angle ${minAngleDegrees(vectors).toFixed(2)}° (started at ${startMin.toFixed(2)}°)`);
    await nextFrame();
  }
  step.dispose();
  opt.dispose();
  minAngles.dispose();
  V.dispose();
  e.destroy();
  return { adapter, loss, n, dims, steps, initialMinAngleDeg: startMin, minAngleDeg: minAngleDegrees(vectors), minAngleHistory: history, vectors };

  /** Angles between all pairs of rows, 2π on the diagonal (a row is not its own neighbour). */
  function angles(x: Tensor): Tensor {
    return x.matmul(x, false, true).acos().add(e.eye(n).mul(2 * Math.PI));
  }
  function minAngle(x: Tensor): Tensor {
    return angles(x).min();
  }
  function minAngleWithVariance(x: Tensor): Tensor {
    const allMins = angles(x).min(1);
    return allMins.min().mul(0.7).sub(allMins.sub(allMins.mean()).square().sum().mul(0.3));
  }
  /** Minus the tangential Coulomb force, pair by pair as the article's loops. */
  function totalForce(x: Tensor): Tensor {
    const perRow: Tensor[] = [];
    for (let i = 0; i < n; i++) {
      const forces: Tensor[] = [];
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const b = x.index(i);
        const diff = b.sub(x.index(j));
        const f = diff.div(diff.square().sum().sqrt().pow(3));
        forces.push(f.sub(b.tensordot(f, 1).div(b.tensordot(b, 1)).mul(b)));
      }
      perRow.push(e.stack(forces).sum().square().sqrt());
    }
    return e.stack(perRow).sum().neg();
  }
});

/** Seeded normal rows scaled to norm 0.999, as the article's np.random.normal then normalise. */
function startingVectors(n: number, dims: number, seed: number): number[][] {
  const normal = normalGenerator(seed);
  return Array.from({ length: n }, () => {
    const row = Array.from({ length: dims }, () => normal());
    const norm = Math.hypot(...row);
    return row.map((v) => (0.999 * v) / norm);
  });
}

/** The smallest angle between two rows, in degrees (float64, on the CPU). */
function minAngleDegrees(vectors: readonly (readonly number[])[]): number {
  let best = Infinity;
  for (let i = 0; i < vectors.length; i++) {
    for (let j = i + 1; j < vectors.length; j++) {
      const a = vectors[i]!;
      const b = vectors[j]!;
      const cos = a.reduce((s, v, k) => s + v * b[k]!, 0) / (Math.hypot(...a) * Math.hypot(...b));
      best = Math.min(best, Math.acos(Math.max(-1, Math.min(1, cos))));
    }
  }
  return (best * 180) / Math.PI;
}

function drawVectors(vectors: readonly number[][], start: readonly number[][], dims: number): void {
  const canvas = document.querySelector<HTMLCanvasElement>('#vectors')!;
  const ctx = canvas.getContext('2d')!;
  const r = canvas.width / 2 - 20;
  const c = canvas.width / 2;
  const toScreen = (v: readonly number[]): [number, number, number] => {
    const [x, y, depth] = dims === 3 ? project(v) : [v[0]!, v[1]!, 1];
    return [c + r * x, c - r * y, depth];
  };
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.strokeStyle = '#999';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.arc(c, c, r, 0, 2 * Math.PI);
  ctx.stroke();
  ctx.fillStyle = '#bbb';
  // Where they started (on a sphere those would only clutter the picture).
  for (const v of dims === 2 ? start : []) {
    const [x, y] = toScreen(v);
    ctx.beginPath();
    ctx.arc(x, y, 3, 0, 2 * Math.PI);
    ctx.fill();
  }
  for (const v of vectors) {
    const [x, y, depth] = toScreen(v);
    ctx.strokeStyle = ctx.fillStyle = depth >= 0 ? '#1f77b4' : 'rgba(31,119,180,0.35)';
    ctx.lineWidth = 1.5;
    if (dims === 2) {
      ctx.beginPath();
      ctx.moveTo(c, c);
      ctx.lineTo(x, y);
      ctx.stroke();
    }
    ctx.beginPath();
    ctx.arc(x, y, 4, 0, 2 * Math.PI);
    ctx.fill();
  }
}

function drawHistory(history: readonly number[], steps: number, best: number | undefined): void {
  const top = Math.max(best ?? 0, ...history) * 1.1 || 1;
  const plot = new Plot(document.querySelector<HTMLCanvasElement>('#angle')!, {
    x: [1, Math.max(2, steps)],
    y: [0, top],
    title: 'smallest angle between two vectors',
    xLabel: 'step',
    yLabel: 'degrees',
  });
  plot.clear();
  if (best !== undefined) plot.line([[1, best], [steps, best]], '#111', { dashed: true, width: 1.5 });
  plot.line(history.map((a, i) => [i + 1, a]), '#1f77b4');
  if (best !== undefined) plot.legend([{ label: 'smallest angle', color: '#1f77b4' }, { label: 'best possible', color: '#111', dashed: true }]);
}
