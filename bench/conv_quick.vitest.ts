// Quick timing of the conv2d kernels (forward, backprop input, backprop filter) on the WebGPU
// backend at the shapes of the article's CNN and an MNIST CNN. Not part of the test suite:
//   QUICK_BENCH=1 npx vitest run bench/conv_quick.vitest.ts    (CASES=conv2 runs the cases named so)
// Each kernel runs once to compile, then REPS (default 5) times, each flushed; medians of wall and
// CPU time are reported. GFLOP/s counts 2·batch·outH·outW·outC·kH·kW·inC per pass (the same for
// all three passes).
import { it } from 'vitest';
import type { Engine, Tensor } from '../src/index.js';
import { gpuEngine } from '../test/helpers/engines.js';
import { convGeometry, parseSteps } from '../src/ops/conv_geometry.js';
import { conv2dBackpropFilterOp, conv2dBackpropInputOp, conv2dOp } from '../src/ops/conv_primitives.js';
import type { ConvGeometry } from '../src/kernel_ids/conv.js';

interface Case {
  name: string;
  x: number[];
  filter: number[];
  strides?: number;
  padding?: 'valid' | 'same';
}

const cases: Case[] = [
  { name: 'article conv1 1x128x128x3 -> 32', x: [1, 128, 128, 3], filter: [3, 3, 3, 32] },
  { name: 'article conv2 1x63x63x32 -> 64', x: [1, 63, 63, 32], filter: [3, 3, 32, 64] },
  { name: 'article conv3 1x30x30x64 -> 128', x: [1, 30, 30, 64], filter: [3, 3, 64, 128] },
  { name: 'mnist conv1 64x28x28x1 -> 32', x: [64, 28, 28, 1], filter: [3, 3, 1, 32] },
  { name: 'mnist conv2 64x13x13x32 -> 64', x: [64, 13, 13, 32], filter: [3, 3, 32, 64] },
  { name: 'stride 2 same 8x32x32x32 -> 64', x: [8, 32, 32, 32], filter: [3, 3, 32, 64], strides: 2, padding: 'same' },
];

/** Wall and CPU milliseconds of one run (CPU time counts all of lavapipe's threads). */
interface Timing {
  wall: number;
  cpu: number;
}

/**
 * Medians over `reps` flushed runs, after one run that compiles the pipeline. The CPU time is
 * reported too because the machine is shared: under contention wall time varies, CPU time less.
 */
async function time(e: Engine, run: () => Tensor, reps: number): Promise<Timing> {
  run().dispose();
  await e.flush();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    run().dispose();
    await e.flush();
    walls.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
  }
  const median = (v: number[]): number => v.sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  return { wall: median(walls), cpu: median(cpus) };
}

function fill(e: Engine, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return e.tensor(Float32Array.from({ length: n }, (_, i) => Math.sin(i)), shape);
}

it('conv2d kernels', async () => {
  const e = await gpuEngine();
  if (!e) return;
  console.log(`device: ${e.adapterInfo.description || e.adapterInfo.device}`);
  const reps = Number(process.env.REPS ?? 5);
  for (const c of cases.filter((k) => !process.env.CASES || k.name.includes(process.env.CASES))) {
    const g: ConvGeometry = convGeometry('bench', c.x, c.filter, c.filter[3]!, parseSteps('bench', { strides: c.strides ?? 1 }), c.padding ?? 'valid');
    const x = fill(e, c.x);
    const w = fill(e, c.filter);
    const dy = fill(e, [g.batch, g.outH, g.outW, g.outC]);
    const flops = 2 * g.batch * g.outH * g.outW * g.outC * g.kH * g.kW * g.inC;
    const fwd = await time(e, () => conv2dOp(x, w, null, g, 'relu'), reps);
    const bi = await time(e, () => conv2dBackpropInputOp(dy, w, g), reps);
    const bf = await time(e, () => conv2dBackpropFilterOp(x, dy, g), reps);
    const rate = (t: Timing): string =>
      `${t.wall.toFixed(1)} ms ${(flops / t.wall / 1e6).toFixed(2)} GFLOP/s (cpu ${t.cpu.toFixed(0)} ms, ${(flops / t.cpu / 1e6).toFixed(2)} per core)`;
    console.log(`${c.name.padEnd(36)} forward ${rate(fwd)} | backprop input ${rate(bi)} | backprop filter ${rate(bf)}`);
    e.dispose([x, w, dy]);
  }
}, 600_000);
