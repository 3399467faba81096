// The engine in a browser: the adapter, transfers, tidy/memory and error messages.
import { expect } from '../expect.js';
import { describe, it } from '../runner.js';
import { gpuEngine, withOwnGpuEngine } from '../engines.js';

describe('engine', () => {
  it('runs on navigator.gpu', async () => {
    const e = await gpuEngine();
    expect(e.adapterInfo.backend).toBe('webgpu');
    expect(e.adapterInfo.vendor.length).toBeGreaterThan(0);
  });

  it('uploads and reads back values and shapes', async () => {
    const e = await gpuEngine();
    const x = e.tensor([[1, 2, 3], [4, 5, 6]]);
    expect(x.shape).toEqual([2, 3]);
    expect(await x.array()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(await e.scalar(-2.5).data()).toAllClose([-2.5]);
    x.dispose();
  });

  it('tidy frees intermediates and memory() counts what is left', () =>
    withOwnGpuEngine(async (e) => {
      const kept = e.tidy(() => {
        const x = e.tensor([1, 2, 3, 4]);
        return x.mul(2).add(1).relu();
      });
      expect(e.memory().tensors).toBe(1);
      expect(await kept.data()).toAllClose([3, 5, 7, 9]);
      kept.dispose();
      expect(e.memory()).toEqual({ tensors: 0, buffers: 0, bytes: 0 });
    }));

  it('names the op and the shapes in errors', async () => {
    const e = await gpuEngine();
    expect(() => e.tensor([1, 2, 3], [2, 2])).toThrow(/tensor: 3 values do not fill shape \[2,\s?2\]/);
    e.tidy(() => {
      expect(() => e.tensor([1, 2, 3]).add(e.tensor([1, 2]))).toThrow(/add.*\[3\].*\[2\]/);
    });
  });
});
