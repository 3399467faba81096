import { describe, expect, it } from 'vitest';
import type { Engine, Tensor } from '../../src/index.js';
import type { Conv2dOptions } from '../../src/ops/conv.js';
import { checkOp, gpuMatchesCpu, gradcheck, type InputSpec } from '../helpers/gradcheck.js';
import { cpuEngine, gpuEngine } from '../helpers/engines.js';
import { convGeometry, parseSteps } from '../../src/ops/conv_geometry.js';
import { inputGradientAsConv, inputGradientByFlippedConv } from '../../src/ops/conv_primitives.js';
import { expectClose } from '../helpers/allclose.js';

/** conv2d of inputs (x, filter[, bias]) with the given options. */
function conv(options: Conv2dOptions = {}) {
  return (_e: Engine, x?: Tensor, w?: Tensor, b?: Tensor): Tensor => x!.conv2d(w!, { ...options, ...(b ? { bias: b } : {}) });
}

const iota = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

describe('conv2d', () => {
  it('matches hand-computed values (valid, same with TF padding, stride 2)', async () => {
    const e = await cpuEngine();
    const x = e.tensor(iota(16), [1, 4, 4, 1]);
    const w = e.ones([3, 3, 1, 1]);
    expect(Array.from(await e.conv2d(x, w).data())).toEqual([54, 63, 90, 99]);
    const same = await x.conv2d(w, { padding: 'same' }).data();
    expect([same[0], same[5], same[15]]).toEqual([14, 54, 54]);
    // SAME with stride 2 on 4 rows pads 1 in total, all of it at the bottom/right (TensorFlow's rule).
    expect(Array.from(await x.conv2d(w, { padding: 'same', strides: 2 }).data())).toEqual([54, 45, 72, 54]);
    const explicit = await x.conv2d(w, { padding: [[1, 0], [0, 2]], strides: [3, 2] }).data();
    expect(Array.from(explicit)).toEqual([1 + 2 + 3 + 5 + 6 + 7, 3 + 4 + 7 + 8]);
    const dilated = await x.conv2d(e.ones([2, 2, 1, 1]), { dilations: 2 }).data();
    expect(Array.from(dilated)).toEqual([1 + 3 + 9 + 11, 2 + 4 + 10 + 12, 5 + 7 + 13 + 15, 6 + 8 + 14 + 16]);
  });

  it('gives Keras output shapes and accepts HWC input', async () => {
    const e = await cpuEngine();
    const w = e.zeros([3, 3, 3, 32]);
    expect(e.zeros([1, 128, 128, 3]).conv2d(w).shape).toEqual([1, 126, 126, 32]);
    expect(e.zeros([2, 7, 8, 3]).conv2d(w, { padding: 'same', strides: 2 }).shape).toEqual([2, 4, 4, 32]);
    expect(e.zeros([9, 9, 3]).conv2d(w, { dilations: [2, 3] }).shape).toEqual([5, 3, 32]);
  });

  // Finite differences in float64 for x, filter and bias; GPU against CPU for the same cases.
  const gradCases: [string, InputSpec[], Conv2dOptions][] = [
    ['valid, 3 -> 5 channels, bias', [{ shape: [1, 4, 5, 3] }, { shape: [3, 3, 3, 5] }, { shape: [5] }], {}],
    ['same, odd input', [{ shape: [1, 5, 5, 2] }, { shape: [3, 3, 2, 3] }], { padding: 'same' }],
    ['same, even input, stride 2', [{ shape: [1, 6, 4, 2] }, { shape: [3, 3, 2, 3] }, { shape: [3] }], { padding: 'same', strides: 2 }],
    ['same, odd input, stride 2, even filter, batch 2', [{ shape: [2, 5, 5, 1] }, { shape: [2, 2, 1, 2] }], { padding: 'same', strides: 2 }],
    ['dilation 2, non-square filter', [{ shape: [1, 7, 6, 2] }, { shape: [2, 3, 2, 2] }], { dilations: 2 }],
    ['same, dilation 2', [{ shape: [1, 5, 6, 1] }, { shape: [3, 2, 1, 2] }], { dilations: 2, padding: 'same' }],
    ['1x1 filter, stride 2', [{ shape: [1, 5, 5, 3] }, { shape: [1, 1, 3, 4] }, { shape: [4] }], { strides: 2 }],
    ['explicit padding, strides [2, 1]', [{ shape: [1, 5, 4, 2] }, { shape: [3, 2, 2, 2] }], { padding: [[1, 2], [0, 1]], strides: [2, 1] }],
    // Stride 2 with dilation 2: the odd rows of dx receive no tap at all.
    ['stride 2 with dilation 2', [{ shape: [1, 7, 7, 1] }, { shape: [3, 3, 1, 2] }], { strides: 2, dilations: 2, padding: 'same' }],
    ['stride 3, filter smaller than stride', [{ shape: [1, 8, 7, 2] }, { shape: [2, 2, 2, 3] }], { strides: 3 }],
  ];
  for (const [name, specs, options] of gradCases) {
    it(`gradients: ${name}`, async () => {
      await checkOp(conv(options), specs);
    });
  }

  const activations = ['relu', 'relu6', 'sigmoid', 'tanh', 'elu', 'selu', 'softplus', 'leaky_relu', 'gelu', 'swish'] as const;
  it('fused activations: gradients (all) and GPU (one pipeline variant each, for a few)', async () => {
    for (const activation of activations) {
      // relu6 needs values above 6 to exercise its upper kink.
      const range: [number, number] = activation === 'relu6' ? [-3, 4] : [-1.5, 1.5];
      const specs: InputSpec[] = [{ shape: [1, 3, 4, 2], range }, { shape: [2, 2, 2, 3], range }, { shape: [3], range }];
      await gradcheck(conv({ activation, padding: 'same' }), specs);
      if (['relu6', 'leaky_relu', 'gelu'].includes(activation)) await gpuMatchesCpu(conv({ activation, padding: 'same' }), specs);
    }
  });

  it('input gradient: the direct kernel (few channels) and the tiled one agree with the CPU', async () => {
    // inC <= 8 takes conv2d_backprop_input_direct, channels past 8 not in whole vec4s the tiled
    // kernel; both with stride and dilation.
    for (const inC of [3, 13]) {
      for (const options of [{ strides: 2, padding: 'same' }, { dilations: 2 }] as Conv2dOptions[]) {
        await gpuMatchesCpu((_e, x, w) => x!.conv2d(w!, options).square().sum(), [{ shape: [2, 9, 11, inC] }, { shape: [3, 3, inC, 5] }], { wrt: [0] });
      }
    }
    await gradcheck((_e, x, w) => x!.conv2d(w!, { strides: 2, dilations: 1, padding: 'same' }), [{ shape: [1, 5, 5, 9] }, { shape: [3, 3, 9, 2] }], { wrt: [0] });
  });

  it('input gradient as a product and a fold (input channels in vec4s past 8)', async () => {
    // conv2d_fold.wgsl: strips of 16 pixels cut by rows of 5, 13 and 19; 12 and 36 channels leave
    // lanes of a block of 8 vec4s idle; strides (with taps landing between outputs), dilation,
    // uneven and 'same' paddings.
    const cases: [number[], number[], Conv2dOptions][] = [
      [[2, 9, 19, 12], [3, 3, 12, 5], {}],
      [[1, 13, 13, 36], [3, 3, 36, 8], { padding: 'same' }],
      [[2, 9, 11, 16], [3, 3, 16, 6], { strides: 2, padding: 'same' }],
      [[1, 10, 5, 12], [2, 3, 12, 4], { strides: [3, 2], dilations: [1, 2], padding: [[2, 0], [1, 1]] }],
      [[3, 6, 7, 64], [1, 1, 64, 9], {}],
    ];
    for (const [x, w, options] of cases) {
      await gpuMatchesCpu((_e, a, b) => a!.conv2d(b!, options).square().sum(), [{ shape: x }, { shape: w }], { atol: 1e-3 });
    }
    await gradcheck((_e, x, w) => x!.conv2d(w!, { strides: 2, padding: 'same' }), [{ shape: [1, 5, 4, 12] }, { shape: [3, 2, 12, 3] }]);
    // Its own gradients (dy and the filter): second derivatives.
    await gradcheck((e, x, w) => e.grad((a) => a.conv2d(w!, { dilations: 2 }).square().sum())(x!)[0]!.square().sum().reshape([1]), [{ shape: [1, 5, 5, 12] }, { shape: [2, 2, 12, 2] }]);
  });

  it('input gradient of 1-4 channels from 32+, strided or dilated (lanes split the output channels)', async () => {
    // Every channel count of the vec4 direct kernel; strides, dilation, padding; 40 and 64 filters.
    const cases: [number, number, Conv2dOptions][] = [
      [1, 32, { dilations: 2 }],
      [2, 40, { strides: 2, padding: 'same' }],
      [3, 64, { dilations: [2, 1], padding: 'same' }],
      [4, 36, { strides: [1, 3], padding: [[2, 0], [1, 1]] }],
    ];
    for (const [inC, outC, options] of cases) {
      await gpuMatchesCpu((_e, x, w) => x!.conv2d(w!, options).square().sum(), [{ shape: [2, 9, 11, inC] }, { shape: [3, 3, inC, outC] }], { wrt: [0], atol: 1e-3 });
    }
  });

  it('input gradient of 1-4 channels at stride 1 (tiles of dx pixels sharing their dy reads)', async () => {
    // conv2d_backprop_input_tiles_vec4.wgsl: tiles fitted to dx (7x7 for 28x28, 8x4 for 128x128)
    // and cut by its edges here; 'same' and uneven paddings zero the reads past dy; filters 1x1
    // to 5x5; outC 8 or 12 (any whole vec4s).
    const cases: [number[], number[], Conv2dOptions][] = [
      [[2, 9, 11, 1], [3, 3, 1, 8], {}],
      [[1, 13, 10, 3], [3, 3, 3, 12], { padding: 'same' }],
      [[3, 5, 6, 2], [2, 3, 2, 8], { padding: [[1, 0], [2, 1]] }],
      [[1, 11, 9, 4], [1, 1, 4, 8], {}],
      [[2, 12, 7, 1], [5, 5, 1, 4], { padding: 'same' }],
      [[1, 28, 28, 1], [3, 3, 1, 32], {}],
    ];
    for (const [x, w, options] of cases) {
      await gpuMatchesCpu((_e, a, b) => a!.conv2d(b!, options).square().sum(), [{ shape: x }, { shape: w }], { wrt: [0], atol: 1e-3 });
    }
  });

  it('input gradient as a forward convolution of dy with the flipped filter (stride 1, 32+ channels, too large for the product)', async () => {
    // The op takes this path only past 2^24 elements of cols: called directly here, against the
    // direct kernel on the CPU. Valid, and same with dilation.
    const cpu = await cpuEngine();
    const gpu = await gpuEngine();
    const values = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.3));
    for (const options of [{}, { padding: 'same', dilations: 2 }] as Conv2dOptions[]) {
      const g = convGeometry('test', [2, 9, 8, 36], [3, 3, 36, 5], 5, parseSteps('test', options), options.padding ?? 'valid');
      const dyShape = [g.batch, g.outH, g.outW, g.outC];
      const dyValues = values(dyShape.reduce((a, b) => a * b, 1), 1);
      const wValues = values(3 * 3 * 36 * 5, 2);
      const dx = (e: Engine): Tensor => inputGradientByFlippedConv(e.tensor(dyValues, dyShape), e.tensor(wValues, [3, 3, 36, 5]), inputGradientAsConv(g)!);
      const expected = await cpu.runKernel('conv2d_backprop_input_direct', [cpu.tensor(dyValues, dyShape), cpu.tensor(wValues, [3, 3, 36, 5])], [2, 9, 8, 36], 'float32', { ...g }).data();
      // Sums of 180 products of order 1: float32 rounding reaches 1e-4 where they cancel.
      for (const e of gpu ? [cpu, gpu] : [cpu]) expectClose(await dx(e).data(), expected, 1e-3);
    }
    // Its own gradients (dy and the filter through the flip): second derivatives.
    const g = convGeometry('test', [1, 4, 4, 32], [2, 2, 32, 2], 2, parseSteps('test', {}), 'valid');
    await gradcheck((_e, dy, w) => inputGradientByFlippedConv(dy!, w!, inputGradientAsConv(g)!).square().sum().reshape([1]), [{ shape: [1, 3, 3, 2] }, { shape: [2, 2, 32, 2] }]);
  });

  it('rank-3 input (a batch of one)', async () => {
    await checkOp((_e, x, w) => x!.conv2d(w!, { padding: 'same' }), [{ shape: [4, 3, 2] }, { shape: [3, 3, 2, 2] }]);
  });

  it('second derivatives through conv2d and both backward kernels', async () => {
    // f(x, w) = Σ ∂/∂x [Σ conv(x, w)²] ⊙ r: differentiating it needs the gradients of
    // conv2d_backprop_input and conv2d_backprop_filter.
    const inner = (e: Engine, x?: Tensor, w?: Tensor): Tensor => {
      const [gx, gw] = e.grad((a, b) => a!.conv2d(b!, { strides: 2, padding: 'same', activation: 'tanh' }).square().sum())(x!, w!);
      return gx!.sum().add(gw!.square().sum()).reshape([1]);
    };
    await gradcheck(inner, [{ shape: [1, 5, 4, 2] }, { shape: [3, 2, 2, 3] }]);
  });

  // Larger shapes, GPU against the float32 CPU reference: tiles only partly filled along every
  // dimension, channel counts past tile multiples, the split filter-gradient reduction.
  const gpuCases: [string, InputSpec[], Conv2dOptions][] = [
    ['2x19x23x8 -> 12, stride 2, same, bias, relu', [{ shape: [2, 19, 23, 8] }, { shape: [3, 3, 8, 12] }, { shape: [12] }], { strides: 2, padding: 'same', activation: 'relu' }],
    ['1x13x11x7 -> 13, valid', [{ shape: [1, 13, 11, 7] }, { shape: [3, 3, 7, 13] }], {}],
    ['1x9x10x33 -> 65, same, bias: channels past 64-wide tiles', [{ shape: [1, 9, 10, 33] }, { shape: [3, 3, 33, 65] }, { shape: [65] }], { padding: 'same' }],
    ['MNIST-like 3x28x28x1 -> 32, 5x5, sigmoid', [{ shape: [3, 28, 28, 1] }, { shape: [5, 5, 1, 32] }, { shape: [32] }], { activation: 'sigmoid' }],
    ['1x40x41x3 -> 4, split filter reduction', [{ shape: [1, 40, 41, 3] }, { shape: [3, 3, 3, 4] }], {}],
    ['2x8x9x12 -> 40, 1x1 filter (16-row filter-gradient tiles)', [{ shape: [2, 8, 9, 12] }, { shape: [1, 1, 12, 40] }], {}],
    ['1x12x11x3 -> 40 (32-row filter-gradient tiles)', [{ shape: [1, 12, 11, 3] }, { shape: [3, 3, 3, 40] }, { shape: [40] }], { activation: 'tanh' }],
    ['1x17x15x6 -> 20, stride 3, dilation 2, same', [{ shape: [1, 17, 15, 6] }, { shape: [3, 2, 6, 20] }], { strides: 3, dilations: 2, padding: 'same' }],
    // The vec4 shaders (channel counts multiples of 4, at least 32).
    ['2x7x9x5 -> 36, stride 2, dilation 2, same, bias, elu', [{ shape: [2, 7, 9, 5] }, { shape: [3, 3, 5, 36] }, { shape: [36] }], { strides: 2, dilations: 2, padding: 'same', activation: 'elu' }],
    ['1x6x7x36 -> 128, same, bias', [{ shape: [1, 6, 7, 36] }, { shape: [3, 3, 36, 128] }, { shape: [128] }], { padding: 'same' }],
    ['2x66x40x2 -> 36, stride 2, same: split filter reduction (vec4)', [{ shape: [2, 66, 40, 2] }, { shape: [3, 3, 2, 36] }], { strides: 2, padding: 'same' }],
    ['3x5x6x32 -> 64, explicit padding, strides [1, 2]', [{ shape: [3, 5, 6, 32] }, { shape: [2, 3, 32, 64] }], { padding: [[2, 1], [1, 0]], strides: [1, 2] }],
  ];
  for (const [name, specs, options] of gpuCases) {
    it(`GPU vs CPU: ${name}`, async () => {
      await gpuMatchesCpu(conv(options), specs, { atol: 2e-4, rtol: 2e-3 });
    });
  }

  it('its gradient with respect to x is conv2dTranspose of dy (adjointness)', async () => {
    const e = await cpuEngine();
    const x = e.tensor(iota(2 * 6 * 5 * 3).map((v) => Math.sin(v)), [2, 6, 5, 3]);
    const w = e.tensor(iota(3 * 3 * 3 * 4).map((v) => Math.cos(v)), [3, 3, 3, 4]);
    const options: Conv2dOptions = { strides: 2, padding: 'same' };
    const dy = e.tensor(iota(2 * 3 * 3 * 4).map((v) => Math.sin(2 * v)), [2, 3, 3, 4]);
    const { grads } = e.valueAndGrad(() => x.conv2d(w, options), [x], dy);
    // conv2dTranspose takes the filter as [kH, kW, out, in]: the conv's HWIO filter as it is.
    const transposed = dy.conv2dTranspose(w, [2, 6, 5, 3], options);
    expectClose(await transposed.data(), await grads[0]!.data(), 1e-5, 1e-5);
  });

  it('reports bad arguments with the op and the shapes', async () => {
    const e = await cpuEngine();
    const x = e.zeros([1, 8, 8, 3]);
    expect(() => x.conv2d(e.zeros([3, 3, 4, 16]))).toThrow('conv2d: input channels differ (x [1,8,8,3], filter [3,3,4,16])');
    expect(() => x.conv2d(e.zeros([3, 3, 3]))).toThrow('conv2d: the filter must have rank 4 [kH, kW, in, out], got shape [3,3,3] (x [1,8,8,3])');
    expect(() => e.zeros([8, 8]).conv2d(e.zeros([3, 3, 3, 4]))).toThrow('conv2d: x must be NHWC (rank 4) or HWC (rank 3), got shape [8,8]');
    expect(() => x.conv2d(e.zeros([3, 3, 3, 4]), { strides: 0 })).toThrow('conv2d: strides must be a positive integer or a pair [h, w] of them, got 0');
    expect(() => x.conv2d(e.zeros([3, 3, 3, 4]), { strides: [1, 1.5] })).toThrow('conv2d: strides must be');
    expect(() => x.conv2d(e.zeros([3, 3, 3, 4]), { dilations: [1, 2, 3] as unknown as [number, number] })).toThrow('conv2d: dilations must be');
    expect(() => x.conv2d(e.zeros([3, 3, 3, 4]), { padding: 'full' as 'same' })).toThrow("conv2d: padding must be 'valid', 'same' or [[top, bottom], [left, right]]");
    expect(() => x.conv2d(e.zeros([3, 3, 3, 4]), { padding: [[1, -1], [0, 0]] })).toThrow('conv2d: padding must be');
    expect(() => x.conv2d(e.zeros([3, 3, 3, 4]), { bias: e.zeros([3]) })).toThrow('conv2d: bias must have shape [4], got [3] (x [1,8,8,3], filter [3,3,3,4])');
    expect(() => x.conv2d(e.zeros([9, 3, 3, 4]))).toThrow('conv2d: the filter [9,3,3,4] spans 9x3 (dilations 1,1) but the padded input is only 8x8 (x [1,8,8,3])');
    expect(() => x.conv2d(e.zeros([3, 3, 3, 4]), { dilations: 4 })).toThrow('spans 9x9 (dilations 4,4)');
    expect(() => x.conv2d(e.zeros([3, 3, 3, 4]), { activation: 'softmax' as 'relu' })).toThrow('conv2d: unknown activation "softmax"');
    expect(() => e.zeros([0, 8, 8, 3]).conv2d(e.zeros([3, 3, 3, 4]))).toThrow('conv2d: empty tensors are not supported');
  });
});
