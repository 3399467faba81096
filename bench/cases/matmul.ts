/**
 * Matrix products: square ones, and the Dense layers of the article's CNN and of the MNIST CNN,
 * forward (x·W) and backward (dW = xᵀ·dy, dx = dy·Wᵀ). The article's first Dense layer reads the
 * flattened 14x14x128 feature map: 25,088 inputs (12.8M of the model's 12.9M parameters).
 * Ours: `a.matmul(b, transA, transB)`; tfjs: `tf.matMul(a, b, transA, transB)`.
 */
import type { BenchCase } from '../case.js';
import { values } from '../inputs.js';
import { oursRepeated, tfRepeated } from '../sides.js';

interface Product {
  id: string;
  what: string;
  m: number;
  k: number;
  n: number;
  transA?: boolean;
  transB?: boolean;
  /** Products per timed run, where the FLOP-based default misjudges (matrix-vector products are memory-bound). */
  reps?: number;
}

function shapes(p: Product): [[number, number], [number, number]] {
  return [p.transA ? [p.k, p.m] : [p.m, p.k], p.transB ? [p.n, p.k] : [p.k, p.n]];
}

/** Products per timed run: about 0.2 GFLOP per run (lavapipe runs a few GFLOP/s), 1 to 20. */
function repsFor(flops: number): number {
  return Math.max(1, Math.min(20, Math.round(2e8 / flops)));
}

const products: Product[] = [
  ...[256, 512, 1024, 2048].map((s) => ({ id: `matmul-${s}`, what: `square ${s}`, m: s, k: s, n: s })),
  { id: 'matmul-article-dense1', what: 'article Dense(512) forward: [1,25088] x [25088,512]', m: 1, k: 25088, n: 512, reps: 2 },
  { id: 'matmul-article-dense1-dw', what: 'article Dense(512) dW = xᵀ·dy: [1,25088]ᵀ x [1,512]', m: 25088, k: 1, n: 512, transA: true, reps: 2 },
  { id: 'matmul-article-dense1-dx', what: 'article Dense(512) dx = dy·Wᵀ: [1,512] x [25088,512]ᵀ', m: 1, k: 512, n: 25088, transB: true, reps: 2 },
  { id: 'matmul-article-dense2', what: 'article Dense(2) forward: [1,512] x [512,2]', m: 1, k: 512, n: 2 },
  { id: 'matmul-mnist-dense1', what: 'MNIST Dense(64) forward, batch 64: [64,1600] x [1600,64]', m: 64, k: 1600, n: 64 },
  { id: 'matmul-mnist-dense1-dw', what: 'MNIST Dense(64) dW = xᵀ·dy: [64,1600]ᵀ x [64,64]', m: 1600, k: 64, n: 64, transA: true },
];

/** The matmul cases. */
export const matmulCases: BenchCase[] = products.map((p) => {
  const flops = 2 * p.m * p.k * p.n;
  const reps = p.reps ?? repsFor(flops);
  // Only 2048³ is slow enough to need fewer runs; the others take 11 for a steady median on a
  // shared machine (one 1024³ product of ours ranged 122-272 ms across runs 10-14).
  const slow = flops >= 1e10;
  const [sa, sb] = shapes(p);
  const [ta, tb] = [p.transA ?? false, p.transB ?? false];
  return {
    id: p.id,
    group: 'kernel',
    title: `matmul ${p.what}`,
    unit: 'product',
    flops,
    reps,
    runs: slow ? 3 : 11,
    warmup: slow ? 1 : 2,
    tolerance: 1e-3,
    ours: (e) => {
      const a = e.tensor(values(sa[0] * sa[1], 1), sa);
      const b = e.tensor(values(sb[0] * sb[1], 2), sb);
      return oursRepeated(e, () => a.matmul(b, ta, tb), reps, [a, b]);
    },
    tfjs: (tf) => {
      const a = tf.tensor(values(sa[0] * sa[1], 1), sa);
      const b = tf.tensor(values(sb[0] * sb[1], 2), sb);
      return tfRepeated(tf, () => tf.matMul(a, b, ta, tb), reps, [a, b]);
    },
  };
});
