// The vec4 kernels (lanes along whole vec4s of channels or columns) on the browser's adapter:
// matmul, matvec, conv2d and its two gradients, and max pooling's gradient, against the CPU.
import { expect } from '../expect.js';
import { cpuEngine, expectSameAsCpu, gpuEngine, take } from '../engines.js';
import { describe, it } from '../runner.js';

const wave = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(i * k));

type Engine = Awaited<ReturnType<typeof gpuEngine>>;

/** f's value and its gradients with respect to both inputs, on one engine. */
async function valueAndGrads(e: Engine, f: (x: ReturnType<Engine['tensor']>, w: ReturnType<Engine['tensor']>) => ReturnType<Engine['tensor']>, xs: [number[], number[]], ws: [number[], number[]]) {
  const x = e.tensor(xs[0], xs[1]);
  const w = e.tensor(ws[0], ws[1]);
  const { value, grads } = e.valueAndGrad(() => f(x, w), [x, w]);
  const out = [await take(value), await take(grads[0]!), await take(grads[1]!)];
  e.dispose([x, w]);
  return out;
}

async function gradientsMatchCpu(f: Parameters<typeof valueAndGrads>[1], x: number[], w: number[]) {
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const xs: [number[], number[]] = [wave(size(x), 0.37), x];
  const ws: [number[], number[]] = [wave(size(w), 0.11), w];
  const [onGpu, onCpu] = [await valueAndGrads(await gpuEngine(), f, xs, ws), await valueAndGrads(await cpuEngine(), f, xs, ws)];
  for (let i = 0; i < 3; i++) expect(onGpu[i]).toAllClose(onCpu[i]!, { atol: 2e-3, rtol: 1e-3 });
}

describe('vec4 kernels', () => {
  it('matmul [19,7] x [7,36] and one-row products match the CPU', async () => {
    await expectSameAsCpu((e) => e.tensor(wave(19 * 7, 0.37), [19, 7]).matmul(e.tensor(wave(7 * 36, 0.11), [7, 36])), { atol: 1e-4 });
    await expectSameAsCpu((e) => e.tensor(wave(40, 0.37), [1, 40]).matmul(e.tensor(wave(40 * 12, 0.11), [40, 12])), { atol: 1e-4 });
    await expectSameAsCpu((e) => e.tensor(wave(40, 0.37), [1, 40]).matmul(e.tensor(wave(40 * 12, 0.11), [12, 40]), false, true), { atol: 1e-4 });
  });

  it('conv2d, 1 -> 32 channels, and its gradients', () =>
    gradientsMatchCpu((x, w) => x.conv2d(w).square().sum(), [1, 6, 5, 1], [3, 3, 1, 32]));

  it('conv2d, 3 -> 8 channels, same padding, and its gradients (tiles of the input gradient)', () =>
    gradientsMatchCpu((x, w) => x.conv2d(w, { padding: 'same' }).square().sum(), [1, 9, 7, 3], [3, 3, 3, 8]));

  it('conv2d, 32 -> 36 channels, same padding, batch 2, and its gradients (Winograd input gradient, images stacked)', () =>
    gradientsMatchCpu((x, w) => x.conv2d(w, { padding: 'same' }).square().sum(), [2, 5, 4, 32], [3, 3, 32, 36]));

  it('max pooling gradient over vec4 channels', async () => {
    const grads = async (e: Engine) => {
      const x = e.tensor(wave(2 * 5 * 5 * 8, 0.73), [2, 5, 5, 8]);
      const [g] = e.grad((t) => t.maxPool2d().square().sum())(x);
      const out = await take(g!);
      e.dispose([x, g!]);
      return out;
    };
    expect(await grads(await gpuEngine())).toAllClose(await grads(await cpuEngine()), { atol: 1e-5 });
  });
});
