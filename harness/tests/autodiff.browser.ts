// A whole valueAndGrad in the browser: a least-squares loss and its gradients, on WebGPU and on
// the CPU reference, against values worked out by hand.
import { expect } from '../expect.js';
import { cpuEngine, gpuEngine, take, withOwnGpuEngine } from '../engines.js';
import type { Engine } from '../../src/index.js';
import { describe, it } from '../runner.js';

/**
 * loss = mean((x·w + b − y)²) over 4 samples of 2 features; returns the loss and dloss/dw, dloss/db.
 * At w = [1, -1], b = 0.5 the residuals r = x·w + b − y are [-0.5, 0.5, 1.5, 3.5], so
 * loss = mean(r²) = 15/4, dw = (2/4)·Σ r·x = [4, -2] and db = (2/4)·Σ r = 2.5.
 */
async function lossAndGrads(e: Engine): Promise<Float32Array[]> {
  const x = e.tensor([[1, 2], [3, 1], [0, 0], [2, -1]]);
  const y = e.tensor([0, 2, -1, 0]);
  const w = e.variable([1, -1]);
  const b = e.variable(0.5);
  const { value, grads } = e.valueAndGrad(() => x.mul(w).sum(1).add(b).sub(y).square().mean(), [w, b]);
  const out = [await take(value), await take(grads[0]!), await take(grads[1]!)];
  e.dispose([x, y, w, b]);
  return out;
}

describe('autodiff', () => {
  it('valueAndGrad of a least-squares loss', () =>
    withOwnGpuEngine(async (e) => {
      const [loss, dw, db] = await lossAndGrads(e);
      expect(loss).toAllClose([3.75]);
      expect(dw).toAllClose([4, -2]);
      expect(db).toAllClose([2.5]);
      // valueAndGrad disposes its intermediates: nothing is left behind.
      expect(e.memory().tensors).toBe(0);
    }));

  it('WebGPU and the CPU reference agree', async () => {
    const [onGpu, onCpu] = [await lossAndGrads(await gpuEngine()), await lossAndGrads(await cpuEngine())];
    for (let i = 0; i < 3; i++) expect(onGpu[i]).toAllClose(onCpu[i]!);
  });
});
