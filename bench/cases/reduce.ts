/**
 * Reductions: sum and max over 1M elements, and over the rows and the columns of a 1024x1024
 * matrix. Ours: `x.sum(axis)` / `x.max(axis)`; tfjs: `tf.sum(x, axis)` / `tf.max(x, axis)`.
 */
import type { Tensor } from '../../src/index.js';
import type { BenchCase } from '../case.js';
import { sizeOf, values } from '../inputs.js';
import { oursRepeated, tfRepeated } from '../sides.js';
import type { TfTensor } from '../tfjs/load.js';

interface Reduction {
  id: string;
  what: string;
  shape: number[];
  op: 'sum' | 'max';
  axis?: number;
}

const reductions: Reduction[] = [
  { id: 'reduce-sum-1m', what: 'sum of 1M elements', shape: [1 << 20], op: 'sum' },
  { id: 'reduce-max-1m', what: 'max of 1M elements', shape: [1 << 20], op: 'max' },
  { id: 'reduce-sum-rows-1024x1024', what: 'sum of each row of [1024,1024] (axis 1)', shape: [1024, 1024], op: 'sum', axis: 1 },
  { id: 'reduce-max-rows-1024x1024', what: 'max of each row of [1024,1024] (axis 1)', shape: [1024, 1024], op: 'max', axis: 1 },
  { id: 'reduce-sum-cols-1024x1024', what: 'sum of each column of [1024,1024] (axis 0)', shape: [1024, 1024], op: 'sum', axis: 0 },
];

const reps = 10;

/** The reduction cases. */
export const reduceCases: BenchCase[] = reductions.map((r) => ({
  id: r.id,
  group: 'kernel',
  title: r.what,
  unit: 'reduction',
  reps,
  runs: 7,
  warmup: 2,
  tolerance: 1e-3,
  ours: (e) => {
    const x = e.tensor(values(sizeOf(r.shape), 7), r.shape);
    const op = (): Tensor => (r.op === 'sum' ? x.sum(r.axis) : x.max(r.axis));
    return oursRepeated(e, op, reps, [x]);
  },
  tfjs: (tf) => {
    const x = tf.tensor(values(sizeOf(r.shape), 7), r.shape);
    const op = (): TfTensor => (r.op === 'sum' ? tf.sum(x, r.axis) : tf.max(x, r.axis));
    return tfRepeated(tf, op, reps, [x]);
  },
}));
