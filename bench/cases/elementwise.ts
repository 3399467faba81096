/**
 * A chain of 8 elementwise ops over 1M elements: y = 2·sqrt(|tanh(1.5·x + 0.25)² − 0.1|) (mul, add,
 * tanh, square, sub, abs, sqrt, mul), written op by op in both libraries. Ours runs eagerly (as
 * written) and as a compiled function (`e.compile`, where fusion and capture apply); tfjs has one
 * way. GFLOP/s is not reported: the chain is bound by memory traffic, not arithmetic.
 */
import type { Engine, Tensor } from '../../src/index.js';
import type { BenchCase } from '../case.js';
import { values } from '../inputs.js';
import { oursRepeated, tfRepeated } from '../sides.js';
import type { Tf, TfTensor } from '../tfjs/load.js';

const n = 1 << 20;
const reps = 10;

function chain(x: Tensor): Tensor {
  return x.mul(1.5).add(0.25).tanh().square().sub(0.1).abs().sqrt().mul(2);
}

function tfChain(tf: Tf, x: TfTensor): TfTensor {
  return tf.tidy(() => tf.mul(tf.sqrt(tf.abs(tf.sub(tf.square(tf.tanh(tf.add(tf.mul(x, 1.5), 0.25))), 0.1))), 2));
}

function chainCase(compiled: boolean): BenchCase {
  return {
    id: compiled ? 'elementwise-chain-1m-compiled' : 'elementwise-chain-1m',
    group: 'kernel',
    title: `8 elementwise ops over 1M elements${compiled ? ', ours compiled (e.compile)' : ', eager'}`,
    unit: 'chain',
    reps,
    runs: 7,
    warmup: 2,
    tolerance: 1e-4,
    ours: (e: Engine) => {
      const x = e.tensor(values(n, 6, 2), [n]);
      if (!compiled) return oursRepeated(e, () => e.tidy(() => chain(x)), reps, [x]);
      const f = e.compile(chain);
      const side = oursRepeated(e, () => f(x), reps, [x]);
      return { work: side.work, dispose: () => (side.dispose(), f.dispose()) };
    },
    tfjs: (tf) => {
      const x = tf.tensor(values(n, 6, 2), [n]);
      return tfRepeated(tf, () => tfChain(tf, x), reps, [x]);
    },
  };
}

/** The elementwise cases. */
export const elementwiseCases: BenchCase[] = [chainCase(false), chainCase(true)];
