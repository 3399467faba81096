import { describe, expect, it } from 'vitest';
import type { Engine, Tensor } from '../../src/index.js';
import type { Conv2dOptions } from '../../src/ops/conv.js';
import { checkOp, gpuMatchesCpu, type InputSpec } from '../helpers/gradcheck.js';
import { cpuEngine } from '../helpers/engines.js';

function transpose(options: Conv2dOptions = {}, outputShape?: number[]) {
  return (_e: Engine, x?: Tensor, w?: Tensor, b?: Tensor): Tensor => x!.conv2dTranspose(w!, outputShape, { ...options, ...(b ? { bias: b } : {}) });
}

describe('conv2dTranspose', () => {
  it('matches hand-computed values (stride 2, same)', async () => {
    const e = await cpuEngine();
    const x = e.tensor([1, 2, 3, 4], [1, 2, 2, 1]);
    const y = x.conv2dTranspose(e.ones([3, 3, 1, 1]), undefined, { strides: 2, padding: 'same' });
    expect(y.shape).toEqual([1, 4, 4, 1]);
    expect(Array.from(await y.data())).toEqual([1, 1, 3, 2, 1, 1, 3, 2, 4, 4, 10, 6, 3, 3, 7, 4]);
  });

  it("gives Keras Conv2DTranspose's output shapes", async () => {
    const e = await cpuEngine();
    const x = e.zeros([2, 4, 4, 3]);
    const shape = (filter: number[], options: Conv2dOptions): readonly number[] => x.conv2dTranspose(e.zeros(filter), undefined, options).shape;
    expect(shape([3, 3, 5, 3], {})).toEqual([2, 6, 6, 5]);
    expect(shape([3, 3, 5, 3], { padding: 'same' })).toEqual([2, 4, 4, 5]);
    expect(shape([3, 3, 5, 3], { strides: 2 })).toEqual([2, 9, 9, 5]);
    expect(shape([3, 3, 5, 3], { strides: 2, padding: 'same' })).toEqual([2, 8, 8, 5]);
    expect(shape([2, 2, 5, 3], { strides: 2 })).toEqual([2, 8, 8, 5]);
    expect(shape([3, 1, 5, 3], { strides: [2, 3] })).toEqual([2, 9, 12, 5]);
    expect(shape([3, 3, 5, 3], { dilations: 2 })).toEqual([2, 8, 8, 5]);
    expect(e.zeros([4, 4, 3]).conv2dTranspose(e.zeros([3, 3, 5, 3]), [7, 7, 5], { strides: 2, padding: 'same' }).shape).toEqual([7, 7, 5]);
  });

  const gradCases: [string, InputSpec[], Conv2dOptions, number[]?][] = [
    ['stride 2, same, 3 -> 2 channels, bias', [{ shape: [1, 3, 2, 3] }, { shape: [3, 3, 2, 3] }, { shape: [2] }], { strides: 2, padding: 'same' }],
    ['valid, stride 1, batch 2, sigmoid', [{ shape: [2, 3, 3, 2] }, { shape: [2, 3, 3, 2] }, { shape: [3] }], { activation: 'sigmoid' }],
    ['stride [2, 3], valid, filter smaller than stride', [{ shape: [1, 2, 3, 2] }, { shape: [2, 2, 1, 2] }], { strides: [2, 3] }],
    ['odd output size picked by outputShape', [{ shape: [1, 3, 3, 1] }, { shape: [3, 3, 2, 1] }], { strides: 2, padding: 'same' }, [1, 5, 6, 2]],
    ['dilation 2, explicit padding', [{ shape: [1, 3, 4, 2] }, { shape: [2, 2, 2, 2] }], { dilations: 2, padding: [[1, 0], [0, 1]] }, [1, 4, 5, 2]],
  ];
  for (const [name, specs, options, outputShape] of gradCases) {
    it(`gradients: ${name}`, async () => {
      await checkOp(transpose(options, outputShape), specs);
    });
  }

  it('GPU vs CPU: 2x10x12x8 -> 12, stride 2, same', async () => {
    await gpuMatchesCpu(transpose({ strides: 2, padding: 'same' }), [{ shape: [2, 10, 12, 8] }, { shape: [3, 3, 12, 8] }, { shape: [12] }], { atol: 2e-4, rtol: 2e-3 });
  });

  it('reports bad arguments with the op and the shapes', async () => {
    const e = await cpuEngine();
    const x = e.zeros([1, 4, 4, 3]);
    expect(() => x.conv2dTranspose(e.zeros([3, 3, 8, 5]))).toThrow(
      'conv2dTranspose: input channels differ (x [1,4,4,3], filter [3,3,8,5]: the filter is [kH, kW, out, in])',
    );
    expect(() => x.conv2dTranspose(e.zeros([3, 3, 8, 3]), [1, 8, 8, 7])).toThrow('conv2dTranspose: outputShape [1,8,8,7] must be [1, h, w, 8]');
    expect(() => x.conv2dTranspose(e.zeros([3, 3, 8, 3]), [1, 12, 12, 8], { strides: 2, padding: 'same' })).toThrow(
      'conv2dTranspose: outputShape [1,12,12,8] does not map back to x [1,4,4,3]: a conv2d of it with strides 2,2 and this padding has 6x6 pixels, not 4x4',
    );
    expect(() => x.conv2dTranspose(e.zeros([3, 3, 8, 3]), undefined, { padding: [[1, 1], [1, 1]] })).toThrow(
      'conv2dTranspose: explicit padding needs an outputShape',
    );
  });
});
