import { describe, expect, it } from 'vitest';
import { cpuEngine } from '../helpers/engines.js';

// Backward rules compute only the gradients the tape needs (the tape passes `needed`): the
// gradient with respect to an input alone must not run the kernels of the weights' gradient.
describe('gradients nobody asked for are not computed', () => {
  it('skips the filter gradient of conv2d and the weight gradient of matmul', async () => {
    const e = await cpuEngine();
    const x = e.randomUniform([1, 6, 6, 2], { seed: 1 });
    const w = e.randomUniform([3, 3, 2, 4], { seed: 2 });
    const d = e.randomUniform([64, 3], { seed: 3 });
    const f = (): ReturnType<typeof x.sum> => x.conv2d(w).reshape([1, 64]).matmul(d).square().sum();
    const before = e.stats().dispatches;
    const inputOnly = e.valueAndGrad(f, [x]);
    const onlyInput = e.stats().dispatches - before;
    const mid = e.stats().dispatches;
    const all = e.valueAndGrad(f, [x, w, d]);
    const everything = e.stats().dispatches - mid;
    // conv2d_backprop_filter and the d gradient's matmul are the difference.
    expect(everything - onlyInput).toBeGreaterThanOrEqual(2);
    expect(Array.from(await inputOnly.grads[0]!.data())).toEqual(Array.from(await all.grads[0]!.data()));
    e.dispose([x, w, d, inputOnly, all]);
  });
});
