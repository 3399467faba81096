/**
 * The three conv2d kernels (forward, backprop input, backprop filter) at the layer shapes of the
 * article's CNN (128x128x3 input, 3x3 valid convolutions with 32/64/128 filters, each after a 2x2
 * pooling) and of the MNIST CNN of src/workloads/attack (`MNIST_MODEL`: batch 64, 28x28x1,
 * 32 then 64 filters).
 * Forward: `x.conv2d(w)` / `tf.conv2d(x, w, 1, 'valid')`. The backward passes are what the
 * gradients run: our conv2d_backprop_input and conv2d_backprop_filter ops, tfjs's
 * Conv2DBackpropInput and Conv2DBackpropFilter kernels through `tf.engine().runKernel`.
 * GFLOP/s counts 2·batch·outH·outW·outC·kH·kW·inC for each of the three passes.
 */
import { convGeometry, parseSteps } from '../../src/ops/conv_geometry.js';
import { conv2dBackpropFilterOp, conv2dBackpropInputOp } from '../../src/ops/conv_primitives.js';
import type { BenchCase } from '../case.js';
import { sizeOf, values } from '../inputs.js';
import { oursRepeated, tfRepeated } from '../sides.js';
import type { Tf, TfTensor } from '../tfjs/load.js';

interface Layer {
  id: string;
  what: string;
  x: [number, number, number, number];
  filters: number;
}

const layers: Layer[] = [
  { id: 'article-1', what: 'article conv 1: [1,128,128,3] * 3x3x3x32', x: [1, 128, 128, 3], filters: 32 },
  { id: 'article-2', what: 'article conv 2: [1,63,63,32] * 3x3x32x64', x: [1, 63, 63, 32], filters: 64 },
  { id: 'article-3', what: 'article conv 3: [1,30,30,64] * 3x3x64x128', x: [1, 30, 30, 64], filters: 128 },
  { id: 'mnist-1', what: 'MNIST conv 1: [64,28,28,1] * 3x3x1x32', x: [64, 28, 28, 1], filters: 32 },
  { id: 'mnist-2', what: 'MNIST conv 2: [64,13,13,32] * 3x3x32x64', x: [64, 13, 13, 32], filters: 64 },
];

type Pass = 'fwd' | 'bwd-input' | 'bwd-filter';
const passNames: Record<Pass, string> = { fwd: 'forward', 'bwd-input': 'backprop input', 'bwd-filter': 'backprop filter' };

function convCase(layer: Layer, pass: Pass): BenchCase {
  const filterShape = [3, 3, layer.x[3], layer.filters];
  const g = convGeometry('bench', layer.x, filterShape, layer.filters, parseSteps('bench', { strides: 1 }), 'valid');
  const dyShape = [g.batch, g.outH, g.outW, g.outC];
  const flops = 2 * g.batch * g.outH * g.outW * g.outC * g.kH * g.kW * g.inC;
  // Timed runs of about 40 ms of ours or more: at least 1.2e9 FLOPs (4e8 until run 33, when the
  // input gradients ran at 10 GFLOP/s; Winograd's run at 25-30 equivalent) and at least 3 passes.
  // A run of a single 12 ms pass ranged 6-67 ms on this shared machine (run 14 of
  // bench/RESULTS.md), and the readback that ends a run costs a few ms on lavapipe (submission,
  // the driver's threads waking, the map): MNIST conv 2's input gradient took 15.7-18.8 ms a pass
  // one per run, 11.0-11.2 four per run (tfjs's 68-74 ms either way; runs 28 and 34).
  const reps = Math.max(3, Math.min(10, Math.ceil(1.2e9 / flops)));
  // Our side queues 5x the FLOPs (6e9, 3-60 passes) since run 36: ours runs these passes 4-10x
  // faster, and runs a fifth as long as tfjs's (200 ms or more) met the machine's bursts unevenly (a
  // 40 ms run of ours doubled when one fell in it, while tfjs's long runs averaged them out). The
  // spread of our 11 runs, median over the 15 conv cases: ±70-123% in runs 28-35 (tfjs's
  // ±18-37%), ±32% in run 36 (tfjs's ±21%).
  const oursReps = Math.max(3, Math.min(60, Math.ceil(6e9 / flops)));
  const tfAttrs = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] };
  return {
    id: `conv-${pass}-${layer.id}`,
    group: 'kernel',
    title: `conv2d ${passNames[pass]}, ${layer.what}`,
    unit: 'pass',
    flops,
    reps,
    oursReps,
    // 11 runs, as the square products: seven gave medians 20% apart between full runs (runs 28-29).
    runs: 11,
    warmup: 2,
    tolerance: 1e-3,
    ours: (e) => {
      const x = e.tensor(values(sizeOf(layer.x), 3), layer.x);
      const w = e.tensor(values(sizeOf(filterShape), 4), filterShape);
      const dy = e.tensor(values(sizeOf(dyShape), 5), dyShape);
      const op = {
        fwd: () => x.conv2d(w),
        'bwd-input': () => conv2dBackpropInputOp(dy, w, g),
        'bwd-filter': () => conv2dBackpropFilterOp(x, dy, g),
      }[pass];
      return oursRepeated(e, op, oursReps, [x, w, dy]);
    },
    tfjs: (tf: Tf) => {
      const x = tf.tensor(values(sizeOf(layer.x), 3), layer.x) as TfTensor;
      const w = tf.tensor(values(sizeOf(filterShape), 4), filterShape);
      const dy = tf.tensor(values(sizeOf(dyShape), 5), dyShape);
      const run = (kernel: string, inputs: Record<string, TfTensor>, attrs: Record<string, unknown>) =>
        tf.engine().runKernel(kernel, inputs, attrs as never) as TfTensor;
      const op = {
        fwd: () => tf.conv2d(x as never, w as never, 1, 'valid'),
        'bwd-input': () => run('Conv2DBackpropInput', { dy, filter: w }, { ...tfAttrs, inputShape: layer.x }),
        'bwd-filter': () => run('Conv2DBackpropFilter', { x, dy }, { ...tfAttrs, filterShape }),
      }[pass];
      return tfRepeated(tf, op, reps, [x, w, dy]);
    },
  };
}

/** The conv cases: every layer, each pass. */
export const convCases: BenchCase[] = (['fwd', 'bwd-input', 'bwd-filter'] as Pass[]).flatMap((pass) => layers.map((l) => convCase(l, pass)));
