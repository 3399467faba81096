/**
 * One Adam step over the trainable weights of the article's CNN (12.9M parameters in 16
 * variables), gradients given. Ours: `opt.applyGradients(grads, vars)`, one update dispatch over
 * the optimizer's parameter arena (the gradients are copied in first). tfjs: its Adam optimizer's
 * `applyGradients({name: grad})`, a handful of ops per variable.
 */
import type { BenchCase } from '../case.js';
import { ARTICLE_MODEL } from '../../src/workloads/attack/index.js';
import { sizeOf, values } from '../inputs.js';
import { classifierWeights } from '../models.js';
import { readFirst, tfReadFirst } from '../sync.js';
import { tfVariable } from '../tfjs/load.js';

const shapes = classifierWeights({ ...ARTICLE_MODEL, inputShape: [...ARTICLE_MODEL.inputShape] })
  .filter((w) => w.trainable)
  .map((w) => w.shape);
const parameters = shapes.reduce((n, s) => n + sizeOf(s), 0);
const learningRate = 1e-3;
let tfNames = 0;

/** The Adam case. */
export const adamCases: BenchCase[] = [
  {
    id: 'adam-12.9m',
    group: 'kernel',
    title: `Adam step over the article CNN's ${shapes.length} trainable variables (${(parameters / 1e6).toFixed(2)}M parameters)`,
    unit: 'step',
    reps: 1,
    runs: 5,
    warmup: 2,
    tolerance: 1e-4,
    ours: (e) => {
      const vars = shapes.map((s, i) => e.variable(values(sizeOf(s), 20 + i), s, { name: `adam_bench_${i}` }));
      const grads = shapes.map((s, i) => e.tensor(values(sizeOf(s), 40 + i, 0.01), s));
      const opt = e.optim.adam({ learningRate });
      return {
        work() {
          opt.applyGradients(grads, vars);
          return () => readFirst(vars[0]!);
        },
        dispose() {
          opt.dispose();
          e.dispose([vars, grads]);
        },
      };
    },
    tfjs: (tf) => {
      const prefix = `adam_bench_${tfNames++}_`;
      const vars = shapes.map((s, i) => tfVariable(tf, values(sizeOf(s), 20 + i), s, `${prefix}${i}`));
      // tfjs's applyGradients finds each variable by the name its gradient is given under.
      const grads = shapes.map((s, i) => ({ name: `${prefix}${i}`, tensor: tf.tensor(values(sizeOf(s), 40 + i, 0.01), s) }));
      const opt = tf.train.adam(learningRate);
      return {
        work() {
          opt.applyGradients(grads);
          return () => tfReadFirst(tf, vars[0]!);
        },
        dispose() {
          opt.dispose();
          tf.dispose([...vars, ...grads.map((g) => g.tensor)]);
        },
      };
    },
  },
];
