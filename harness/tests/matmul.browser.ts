// Matrix products: exact small values, sizes past a tile against the CPU, and the gradient.
import { expect } from '../expect.js';
import { cpuEngine, expectSameAsCpu, gpuEngine, take, takeArray } from '../engines.js';
import { describe, it } from '../runner.js';

const wave = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(i * k));

describe('matmul', () => {
  it('[2,3] x [3,2]', async () => {
    const e = await gpuEngine();
    const a = e.tensor([[1, 2, 3], [4, 5, 6]]);
    const b = e.tensor([[7, 8], [9, 10], [11, 12]]);
    expect(await takeArray(a.matmul(b))).toEqual([[58, 64], [139, 154]]);
    e.dispose([a, b]);
  });

  it('[33,65] x [65,17] matches the CPU', () =>
    expectSameAsCpu((e) => e.tensor(wave(33 * 65, 0.37), [33, 65]).matmul(e.tensor(wave(65 * 17, 0.11), [65, 17])), { atol: 1e-4 }));

  it('gradients of sum(a @ b) match the CPU', async () => {
    const grads = async (e: Awaited<ReturnType<typeof gpuEngine>>) => {
      const a = e.tensor(wave(5 * 7, 0.3), [5, 7]);
      const b = e.tensor(wave(7 * 3, 0.7), [7, 3]);
      const { value, grads } = e.valueAndGrad(() => a.matmul(b).sum(), [a, b]);
      const out = [await take(value), await take(grads[0]!), await take(grads[1]!)];
      e.dispose([a, b]);
      return out;
    };
    const [onGpu, onCpu] = [await grads(await gpuEngine()), await grads(await cpuEngine())];
    for (let i = 0; i < 3; i++) expect(onGpu[i]).toAllClose(onCpu[i]!, { atol: 1e-4 });
  });
});
