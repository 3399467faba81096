/**
 * The vector-spread workload (src/workloads/vector_spread): 20 vectors of norm 0.999 in 2 or 32
 * dimensions, one step of gradient ASCENT on a spread metric = metric, gradient, update (plain SGD,
 * the workload's step-decay learning rate; clip by norm 200 for the force metric), and the rows
 * scaled back to norm 0.999. Ours: the workload's own metric functions in a captured step
 * (`opt.compileStep(metric, [V], { maximize: true })` with the unitNormRows(0.999) constraint), as
 * runVectorSpread builds it minus its loss recorders; each case also runs eagerly, as a user's loop
 * is written (`opt.maximize` in `e.tidy`, no compile: lazy execution plans it). tfjs: the same ops (tfjs/spread_losses.ts), `tf.variableGrads`,
 * `tf.clipByNorm`-style clipping, `V.assign(...)`.
 *
 * The sides' results agree on the first step only: tfjs's min gradient gives the whole gradient to
 * every tied element (the angle matrix is symmetric, so the minimum is always tied), ours splits it
 * as TensorFlow's Python reduce_min does, so the trajectories part. The first (warm-up)
 * run therefore reports the metric of its first step for the agreement check.
 */
import type { Engine, Tensor } from '../../src/index.js';
import { initialVectors, rowNorm, spreadLosses, vectorSpreadDefaults, type SpreadLossName } from '../../src/workloads/vector_spread/index.js';
import type { BenchCase, Side } from '../case.js';
import { readFirst, tfReadFirst } from '../sync.js';
import { tfForceSpread, tfMinAngleVarianceSpread } from '../tfjs/spread_losses.js';
import { tfVariable, type Tf, type TfTensor } from '../tfjs/load.js';

const n = 20;
const seed = 1;
const decayEvery = 100;
/** Keras UnitNorm's epsilon, as unitNormRows uses it. */
const unitNormEpsilon = 1e-7;

type Metric = Extract<SpreadLossName, 'force' | 'min-angle-variance'>;

function learningRate(metric: Metric, step: number): number {
  const d = vectorSpreadDefaults[metric];
  return d.lr * Math.pow(d.lrDecay, Math.floor(step / decayEvery));
}

function ours(e: Engine, metric: Metric, dims: number, captured: boolean, reps: number): Side {
  const d = vectorSpreadDefaults[metric];
  const V = e.variable(initialVectors(n, dims, seed), [n, dims], { name: 'vectors' });
  const opt = e.optim.sgd({
    learningRate: e.optim.schedules.stepDecay({ initialLearningRate: d.lr, factor: d.lrDecay, every: decayEvery }),
    ...(d.clipNorm === null ? {} : { clipNorm: d.clipNorm }),
    constraints: [{ var: V, constraint: e.optim.constraints.unitNormRows(rowNorm) }],
  });
  const objective = (): Tensor => spreadLosses[metric](V);
  const compiled = captured ? opt.compileStep(objective, [V], { maximize: true }) : null;
  const step = compiled ?? ((): Tensor => e.tidy(() => opt.maximize(objective, [V])));
  let first = true;
  return {
    work() {
      // The first run reads the metric before any update (the sides' trajectories part: see above).
      const keepFirst = first;
      first = false;
      let kept: Tensor | undefined;
      let value: Tensor | undefined;
      for (let r = 0; r < reps; r++) {
        if (value !== kept) value?.dispose();
        value = step();
        if (keepFirst && r === 0) kept = value;
      }
      return async () => {
        try {
          return await readFirst(kept ?? value!);
        } finally {
          e.dispose([kept, value]);
        }
      };
    },
    dispose() {
      compiled?.dispose();
      opt.dispose();
      V.dispose();
    },
  };
}

function tfjs(tf: Tf, metric: Metric, dims: number, reps: number): Side {
  const clipNorm = vectorSpreadDefaults[metric].clipNorm;
  const V = tfVariable(tf, initialVectors(n, dims, seed).flat(), [n, dims]);
  const f = (): TfTensor => (metric === 'force' ? tfForceSpread(tf, V) : tfMinAngleVarianceSpread(tf, V));
  let stepCount = 0;
  const step = (): TfTensor =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(f as () => import('@tensorflow/tfjs-core').Scalar, [V]);
      let g = grads[V.name]!;
      // tf.clip_by_norm: g · clip / max(‖g‖, clip).
      if (clipNorm !== null) g = tf.div(tf.mul(g, clipNorm), tf.maximum(tf.norm(g), clipNorm));
      V.assign(tf.add(V, tf.mul(g, learningRate(metric, stepCount++))));
      V.assign(tf.div(tf.mul(V, rowNorm), tf.add(tf.norm(V, 'euclidean', 1, true), unitNormEpsilon)));
      return value;
    });
  let first = true;
  return {
    work() {
      const keepFirst = first;
      first = false;
      let kept: TfTensor | undefined;
      let value: TfTensor | undefined;
      for (let r = 0; r < reps; r++) {
        if (value !== kept) value?.dispose();
        value = step();
        if (keepFirst && r === 0) kept = value;
      }
      return async () => {
        try {
          return await tfReadFirst(tf, kept ?? value!);
        } finally {
          tf.dispose([kept, value].filter((t): t is TfTensor => t !== undefined));
        }
      };
    },
    dispose: () => V.dispose(),
  };
}

function spreadCase(metric: Metric, dims: number, captured: boolean): BenchCase {
  const force = metric === 'force';
  // The force step is slow in tfjs (thousands of kernels): one step per run, few runs. A
  // min-angle step takes about a millisecond, less than a shared machine's scheduling hiccups:
  // 50 steps per run and 15 runs keep the median steady (10 steps per run moved it by 2x).
  const reps = force ? 1 : 50;
  // Our force step takes a few percent of tfjs's: with one step a run, a GC pause or a burst on
  // the shared machine moved a median of 5 runs by up to 2x (bench/RESULTS.md, run 43). Our runs
  // queue several steps, so that they last a good part of tfjs's (as the conv cases' do). The
  // eager twin queues as many as the captured one: the read that ends a run waits for the last
  // step's GPU work, and with fewer steps a run that wait weighed more on the eager step
  // (bench/RESULTS.md, run 57).
  const oursReps = force ? 10 : reps;
  const name = force ? 'force' : 'minangle';
  return {
    id: `spread-${name}-${n}x${dims}${captured ? '' : '-eager'}`,
    group: 'workload',
    title: `vector spread, ${metric} metric, ${n} vectors in ${dims}-D: metric, gradient, SGD step${force ? ' (clip 200)' : ''}, renormalise; ours ${captured ? 'captured (opt.compileStep)' : 'eager (opt.maximize)'}`,
    unit: 'step',
    reps,
    ...(oursReps === reps ? {} : { oursReps }),
    runs: force ? 5 : 15,
    // The eager force step records 6,000 ops of JavaScript: it takes about 40 steps to run at the
    // speed it keeps (V8 compiles its hot functions and sizes the young generation as it goes:
    // in runs of 10 steps, steps 11-40 took 26-36 ms a step, later ones 15-25; bench/RESULTS.md,
    // runs 51 and 57). 5 warm-up runs of 10 steps cover them.
    warmup: force && !captured ? 5 : 2,
    tolerance: 1e-3,
    ours: (e) => ours(e, metric, dims, captured, oursReps),
    tfjs: (tf) => tfjs(tf, metric, dims, reps),
  };
}

/** The vector-spread cases: each captured, and eagerly (as a user's loop is written). */
export const vectorSpreadCases: BenchCase[] = [
  spreadCase('force', 2, true),
  spreadCase('force', 2, false),
  spreadCase('force', 32, true),
  spreadCase('force', 32, false),
  spreadCase('min-angle-variance', 2, true),
  spreadCase('min-angle-variance', 2, false),
  spreadCase('min-angle-variance', 32, true),
  spreadCase('min-angle-variance', 32, false),
];
