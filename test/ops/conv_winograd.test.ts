import { describe, expect, it } from 'vitest';
import type { Engine, Tensor } from '../../src/index.js';
import type { Conv2dOptions } from '../../src/ops/conv.js';
import type { ConvGeometry } from '../../src/kernel_ids/conv.js';
import { winogradTiling } from '../../src/kernel_ids/winograd.js';
import { convGeometry, parseSteps } from '../../src/ops/conv_geometry.js';
import { inputGradientByWinograd, usesWinogradForInputGradient } from '../../src/ops/conv_winograd.js';
import { gpuMatchesCpu, gradcheck } from '../helpers/gradcheck.js';
import { cpu64Engine, cpuEngine, gpuEngine } from '../helpers/engines.js';
import { expectClose } from '../helpers/allclose.js';
import { uniformValues } from '../helpers/random.js';

function geometry(x: number[], w: number[], options: Conv2dOptions = {}): ConvGeometry {
  return convGeometry('test', x, w, w[3]!, parseSteps('test', options), options.padding ?? 'valid');
}

/** dy and filter values for a geometry, and dx by the direct kernel on the same engine. */
async function direct(e: Engine, g: ConvGeometry, seed: number): Promise<{ dy: Tensor; w: Tensor; expected: Float32Array | Float64Array }> {
  const dyShape = [g.batch, g.outH, g.outW, g.outC];
  const wShape = [3, 3, g.inC, g.outC];
  const dy = e.tensor(uniformValues(dyShape.reduce((a, b) => a * b, 1), -2, 2, seed), dyShape);
  const w = e.tensor(uniformValues(9 * g.inC * g.outC, -1, 1, seed + 1), wShape);
  const dx = e.runKernel('conv2d_backprop_input_direct', [dy, w], [g.batch, g.inH, g.inW, g.inC], 'float32', { ...g });
  const expected = await e.readStorage(dx.storage, dx.size);
  dx.dispose();
  return { dy, w, expected };
}

// Shapes of the layout (src/kernel_ids/winograd.ts): images side by side in a grid (batch 5 of
// 5x6, 7 of 9x7), 'same' padding (a gap row and column per image), explicit paddings of 0 and 2
// (windows starting on the image and two rows above it), tiles not a multiple of 4 or 8 (the
// padded columns of V and M), channels that leave lanes of a block of 8 vec4s idle (12, 36).
const cases: [string, number[], number[], Conv2dOptions][] = [
  ['batch 5 of 5x6, valid', [5, 5, 6, 8], [3, 3, 8, 12], {}],
  ['batch 7 of 9x7, same', [7, 9, 7, 12], [3, 3, 12, 8], { padding: 'same' }],
  ['explicit padding [[2, 0], [1, 2]]', [2, 6, 11, 4], [3, 3, 4, 36], { padding: [[2, 0], [1, 2]] }],
  ['one 13x10 image, 36 -> 4', [1, 13, 10, 36], [3, 3, 36, 4], {}],
];

describe('conv2d input gradient by Winograd F(4x4, 3x3)', () => {
  it('lays images out in the grid with the fewest tiles, gaps wide enough to read zeros', () => {
    // MNIST conv 2: 64 images of 13x13 (valid) in 13-pixel periods: 676 tiles (4 x 16 images:
    // 52 x 13 tiles; 8 x 8 ties), not 64 x 16 = 1,024 tiles of images on their own.
    const mnist = winogradTiling(geometry([64, 13, 13, 32], [3, 3, 32, 64]));
    expect(mnist).toMatchObject({ gridW: 4, rowPeriod: 13, colPeriod: 13, shiftTop: 2, tilesH: 52, tilesW: 13, tiles: 676, tileStride: 676 });
    // 'same': dx and dy both 9 rows, windows from one row above: a gap row per image.
    const same = winogradTiling(geometry([7, 9, 7, 12], [3, 3, 12, 8], { padding: 'same' }));
    expect([same.rowPeriod, same.colPeriod, same.shiftTop]).toEqual([10, 8, 1]);
    expect(same.tileStride % 4).toBe(0);
    // One image: one tile per 4x4 of dx.
    expect(winogradTiling(geometry([1, 63, 63, 32], [3, 3, 32, 64]))).toMatchObject({ gridW: 1, tiles: 256 });
  });

  it('takes 3x3 stride-1 undilated gradients with 32+ channels in vec4s on both sides', () => {
    const uses = (x: number[], w: number[], options: Conv2dOptions = {}): boolean => usesWinogradForInputGradient(geometry(x, w, options));
    expect(uses([1, 63, 63, 32], [3, 3, 32, 64])).toBe(true);
    expect(uses([1, 30, 30, 64], [3, 3, 64, 128])).toBe(true);
    expect(uses([64, 13, 13, 32], [3, 3, 32, 64])).toBe(true);
    expect(uses([2, 9, 9, 32], [3, 3, 32, 32], { padding: 'same' })).toBe(true);
    expect(uses([1, 16, 16, 32], [3, 3, 32, 64], { strides: 2 })).toBe(false);
    expect(uses([1, 16, 16, 32], [3, 3, 32, 64], { dilations: 2 })).toBe(false);
    expect(uses([1, 16, 16, 32], [5, 5, 32, 64])).toBe(false);
    expect(uses([1, 16, 16, 28], [3, 3, 28, 64])).toBe(false);
    expect(uses([1, 16, 16, 32], [3, 3, 32, 30])).toBe(false);
    expect(uses([1, 128, 128, 3], [3, 3, 3, 32])).toBe(false);
  });

  it('equals the direct sum in float64 (the transforms are exact in exact arithmetic)', async () => {
    const e = await cpu64Engine();
    for (const [name, x, w, options] of cases) {
      const g = geometry(x, w, options);
      const { dy, w: filter, expected } = await direct(e, g, 3);
      const dx = inputGradientByWinograd(dy, filter, g);
      expectClose(await e.readStorage(dx.storage, dx.size), expected, 1e-10, 1e-10, name);
      e.dispose([dy, filter, dx]);
    }
  });

  it('GPU against the CPU twins, and both against the direct sum in float32', async () => {
    const gpu = await gpuEngine();
    const cpu = await cpuEngine();
    for (const [name, x, w, options] of cases) {
      const g = geometry(x, w, options);
      const { dy, w: filter, expected } = await direct(cpu, g, 5);
      const twin = await inputGradientByWinograd(dy, filter, g).data();
      // The transforms scale by up to 8·8 and 1/24: float32 rounding reaches ~1e-5 of the inputs.
      expectClose(twin, expected, 1e-4, 1e-4, `${name}: CPU twins vs direct`);
      const [dyData, wData] = [await dy.data(), await filter.data()];
      const onGpu = await inputGradientByWinograd(gpu.tensor(dyData, dy.shape as number[]), gpu.tensor(wData, filter.shape as number[]), g).data();
      expectClose(onGpu, twin, 1e-4, 1e-4, `${name}: GPU vs CPU`);
    }
  });

  it('conv2d gradients through it: float64 finite differences, and the GPU at the MNIST layer shape', async () => {
    // 32 -> 32 channels, 'same': the smallest shape the op sends here.
    const g = geometry([1, 3, 4, 32], [3, 3, 32, 32], { padding: 'same' });
    expect(usesWinogradForInputGradient(g)).toBe(true);
    await gradcheck((_e, x, w) => x!.conv2d(w!, { padding: 'same' }), [{ shape: [1, 3, 4, 32] }, { shape: [3, 3, 32, 32], range: [-0.2, 0.2] }], { wrt: [0] });
    // Second derivatives: the op's own gradient (conv2d of the incoming gradient) on a Winograd dx.
    await gradcheck(
      (e, x, w) => e.grad((a) => a.conv2d(w!, { padding: 'same' }).square().sum())(x!)[0]!.square().sum().reshape([1]),
      [{ shape: [1, 3, 3, 32], range: [-0.5, 0.5] }, { shape: [3, 3, 32, 32], range: [-0.1, 0.1] }],
      { wrt: [0] },
    );
    // Weights of a trained layer's scale (dx of order 1): Winograd's float32 error is about 1e-5
    // of the largest |dx| (7x the direct sum's, measured at the bench shapes), so the tolerance
    // is absolute at that scale; with the default ±2 weights dx reaches 2,000 and so does it.
    const specs = [{ shape: [9, 13, 13, 32], range: [-1, 1] as [number, number] }, { shape: [3, 3, 32, 64], range: [-0.1, 0.1] as [number, number] }];
    await gpuMatchesCpu((_e, x, w) => x!.conv2d(w!).square().sum(), specs, { wrt: [0], atol: 1e-4 });
  });
});
