import { describe, expect, it } from 'vitest';
import type { Engine, Tensor } from '../../src/index.js';
import type { Conv2dOptions } from '../../src/ops/conv.js';
import { checkOp, gpuMatchesCpu, gradcheck, type InputSpec } from '../helpers/gradcheck.js';
import { cpuEngine } from '../helpers/engines.js';

function depthwise(options: Conv2dOptions = {}) {
  return (_e: Engine, x?: Tensor, w?: Tensor, b?: Tensor): Tensor => x!.depthwiseConv2d(w!, { ...options, ...(b ? { bias: b } : {}) });
}

describe('depthwiseConv2d', () => {
  it('matches hand-computed values, channels ordered c·multiplier + q', async () => {
    const e = await cpuEngine();
    // Channel 0 holds 1..9, channel 1 holds 10..90.
    const x = e.tensor(Array.from({ length: 9 }, (_, i) => [i + 1, 10 * (i + 1)]).flat(), [1, 3, 3, 2]);
    // multiplier 2: channel 0 by (1, -1), channel 1 by (2, 0) at every tap.
    const w = e.tensor(Array.from({ length: 4 }, () => [1, -1, 2, 0]).flat(), [2, 2, 2, 2]);
    const y = x.depthwiseConv2d(w);
    expect(y.shape).toEqual([1, 2, 2, 4]);
    const first = Array.from((await y.data()).slice(0, 4));
    expect(first).toEqual([12, -12, 240, 0]);
    expect(e.zeros([8, 8, 3]).depthwiseConv2d(e.zeros([3, 3, 3, 2]), { padding: 'same', strides: 2 }).shape).toEqual([4, 4, 6]);
  });

  const gradCases: [string, InputSpec[], Conv2dOptions][] = [
    ['multiplier 1, valid', [{ shape: [1, 4, 5, 3] }, { shape: [3, 3, 3, 1] }], {}],
    ['multiplier 2, same, stride 2, bias', [{ shape: [2, 5, 4, 2] }, { shape: [3, 3, 2, 2] }, { shape: [4] }], { padding: 'same', strides: 2 }],
    ['dilation 2, non-square filter, relu', [{ shape: [1, 6, 7, 2] }, { shape: [2, 3, 2, 3] }, { shape: [6] }], { dilations: 2, activation: 'relu' }],
    ['1x1 filter, stride [1, 2], explicit padding', [{ shape: [1, 3, 5, 3] }, { shape: [1, 1, 3, 2] }], { strides: [1, 2], padding: [[1, 0], [2, 1]] }],
  ];
  for (const [name, specs, options] of gradCases) {
    it(`gradients: ${name}`, async () => {
      await checkOp(depthwise(options), specs);
    });
  }

  it('second derivatives through the depthwise backward kernels', async () => {
    const inner = (e: Engine, x?: Tensor, w?: Tensor): Tensor => {
      const [gx, gw] = e.grad((a, b) => a!.depthwiseConv2d(b!, { strides: 2, padding: 'same' }).square().sum())(x!, w!);
      return gx!.square().sum().add(gw!.sum()).reshape([1]);
    };
    await gradcheck(inner, [{ shape: [1, 4, 5, 2] }, { shape: [2, 3, 2, 2] }]);
  });

  const gpuCases: [string, InputSpec[], Conv2dOptions][] = [
    ['2x17x19x5, multiplier 3, stride 2, same', [{ shape: [2, 17, 19, 5] }, { shape: [3, 3, 5, 3] }], { strides: 2, padding: 'same' }],
    ['1x12x9x70, channel blocks past 64, dilation 2', [{ shape: [1, 12, 9, 70] }, { shape: [3, 3, 70, 1] }], { dilations: 2 }],
    ['1x40x41x3, split filter reduction', [{ shape: [1, 40, 41, 3] }, { shape: [3, 3, 3, 2] }], { padding: 'same' }],
  ];
  for (const [name, specs, options] of gpuCases) {
    it(`GPU vs CPU: ${name}`, async () => {
      await gpuMatchesCpu(depthwise(options), specs, { atol: 2e-4, rtol: 2e-3 });
    });
  }

  it('reports bad arguments with the op and the shapes', async () => {
    const e = await cpuEngine();
    const x = e.zeros([1, 8, 8, 3]);
    expect(() => x.depthwiseConv2d(e.zeros([3, 3, 4, 1]))).toThrow(
      'depthwiseConv2d: input channels differ (x [1,8,8,3], filter [3,3,4,1]: the filter is [kH, kW, in, multiplier])',
    );
    expect(() => x.depthwiseConv2d(e.zeros([3, 3, 3, 2]), { bias: e.zeros([3]) })).toThrow('depthwiseConv2d: bias must have shape [6], got [3]');
    expect(() => x.depthwiseConv2d(e.zeros([3, 3, 3, 2]), { strides: -1 })).toThrow('depthwiseConv2d: strides must be');
  });
});
