// Elementwise unary ops: WebGPU against the CPU reference, on 300 elements (past one 256-wide
// workgroup), plus a few exact values.
import { expect } from '../expect.js';
import { expectSameAsCpu, gpuEngine, take } from '../engines.js';
import { describe, it } from '../runner.js';

const inputs = Array.from({ length: 300 }, (_, i) => (i - 150) / 37);

describe('unary ops', () => {
  it('exact values of neg, abs, square, relu', async () => {
    const e = await gpuEngine();
    const x = e.tensor([-2, -0.5, 0, 3]);
    expect(await take(x.neg())).toAllClose([2, 0.5, 0, -3]);
    expect(await take(x.abs())).toAllClose([2, 0.5, 0, 3]);
    expect(await take(x.square())).toAllClose([4, 0.25, 0, 9]);
    expect(await take(x.relu())).toAllClose([0, 0, 0, 3]);
    e.dispose(x);
  });

  for (const op of ['exp', 'sigmoid', 'tanh', 'softplus', 'gelu'] as const) {
    it(`${op} matches the CPU`, () => expectSameAsCpu((e) => e.tensor(inputs)[op](), { atol: 1e-5, rtol: 1e-4 }));
  }

  // WGSL promises sin and cos only to an absolute 2^-11 on [-π, π]; SwiftShader uses that room.
  it('sin and cos match the CPU to WGSL accuracy', async () => {
    await expectSameAsCpu((e) => e.tensor(inputs).sin(), { atol: 2 ** -11, rtol: 0 });
    await expectSameAsCpu((e) => e.tensor(inputs).cos(), { atol: 2 ** -11, rtol: 0 });
  });

  it('log and sqrt match the CPU on positive inputs', async () => {
    await expectSameAsCpu((e) => e.tensor(inputs).abs().add(0.1).log(), { atol: 1e-5, rtol: 1e-4 });
    await expectSameAsCpu((e) => e.tensor(inputs).abs().sqrt(), { atol: 1e-5, rtol: 1e-4 });
  });
});
