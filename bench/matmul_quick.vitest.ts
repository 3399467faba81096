// Quick matmul throughput on the WebGPU engine (lavapipe here): GFLOP/s for square products.
//   VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.json QUICK_BENCH=1 npx vitest run bench/matmul_quick.vitest.ts
// MATMUL_SIZES=256,512 picks the sizes; MATMUL_SHAPES=3592x3x3592,3592x3592x3 adds m x k x n products.
import os from 'node:os';
import { it } from 'vitest';
import { createEngine, type Engine, type Tensor } from '../src/node.js';

function randomTensor(e: Engine, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = Math.sin(i * 12.9898) * 0.5;
  return e.tensor(values, shape);
}

/**
 * Median wall seconds of one product, timed over `reps` products ended by one readback, and the
 * process CPU seconds they took (lavapipe's threads run in this process): on a shared machine the
 * CPU time still measures the kernel when the wall clock measures the neighbours.
 */
async function timeProduct(e: Engine, m: number, k: number, n: number, transA: boolean, transB: boolean): Promise<{ wall: number; cpu: number }> {
  const a = randomTensor(e, transA ? [k, m] : [m, k]);
  const b = randomTensor(e, transB ? [n, k] : [k, n]);
  const run = async (reps: number): Promise<{ wall: number; cpu: number }> => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let last: Tensor | undefined;
    for (let r = 0; r < reps; r++) {
      last?.dispose();
      last = a.matmul(b, transA, transB);
    }
    await last!.data();
    last!.dispose();
    const c = process.cpuUsage(c0);
    return { wall: (performance.now() - t0) / 1000 / reps, cpu: (c.user + c.system) / 1e6 / reps };
  };
  await run(1); // compile and warm up
  const flops = 2 * m * n * k;
  const reps = Math.max(1, Math.min(20, Math.round(2e9 / flops)));
  const times: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < 3; i++) times.push(await run(reps));
  a.dispose();
  b.dispose();
  const median = (xs: number[]): number => xs.sort((x, y) => x - y)[1]!;
  return { wall: median(times.map((t) => t.wall)), cpu: median(times.map((t) => t.cpu)) };
}

it('matmul GFLOP/s', async () => {
  const e = await createEngine({ backend: 'webgpu' });
  console.log(`device: ${e.adapterInfo.description || e.adapterInfo.device} (${e.adapterInfo.architecture}); load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs`);
  const sizes = (process.env.MATMUL_SIZES ?? '256,512,1024').split(',').map(Number);
  const shapes: [number, number, number][] = sizes.map((s) => [s, s, s]);
  for (const s of (process.env.MATMUL_SHAPES ?? '').split(',').filter(Boolean)) {
    shapes.push(s.split('x').map(Number) as [number, number, number]);
  }
  const flags: [boolean, boolean][] = process.env.MATMUL_TRANSPOSES ? [[false, false], [true, false], [false, true], [true, true]] : [[false, false]];
  for (const [m, k, n] of shapes) {
    for (const [ta, tb] of flags) {
      const { wall, cpu } = await timeProduct(e, m, k, n, ta, tb);
      const flop = 2 * m * n * k;
      console.log(
        `matmul ${m}x${k} @ ${k}x${n}${ta ? ' transA' : ''}${tb ? ' transB' : ''}: ${(wall * 1000).toFixed(2)} ms, ` +
          `${(flop / wall / 1e9).toFixed(2)} GFLOP/s wall, ${(flop / cpu / 1e9).toFixed(2)} GFLOP per CPU-second`,
      );
    }
  }
  e.destroy();
});
