// acos, asin and atan on the page's adapter (SwiftShader in headless Chromium here) against
// float64 at the same float32 inputs: within 1e-6 absolute over the whole domain, ends included,
// eager and inside a fused kernel, and NaN outside [-1, 1].
import type { Engine, Tensor } from '../../src/index.js';
import { describeWorst, TRIG_MAX_ERROR, unitIntervalInputs, wideInputs, worstError } from '../../test/helpers/trig_inputs.js';
import { expect } from '../expect.js';
import { gpuEngine, take } from '../engines.js';
import { describe, it } from '../runner.js';

const unit = unitIntervalInputs(1 << 20);
const wide = wideInputs(1 << 18);

async function apply(e: Engine, x: Float32Array, f: (t: Tensor) => Tensor): Promise<Float32Array> {
  const t = e.tensor(x);
  try {
    return await take(f(t));
  } finally {
    t.dispose();
  }
}

function expectWithinBound(name: string, x: Float32Array, got: Float32Array, exact: (v: number) => number): void {
  const w = worstError(x, got, exact);
  if (!(w.error <= TRIG_MAX_ERROR)) throw new Error(`${describeWorst(name, w)}, above ${TRIG_MAX_ERROR}`);
}

describe('trigonometry within 1e-6 of float64', () => {
  it('acos and asin over [-1, 1], dense at the ends', async () => {
    const e = await gpuEngine();
    expectWithinBound('acos', unit, await apply(e, unit, (t) => t.acos()), Math.acos);
    expectWithinBound('asin', unit, await apply(e, unit, (t) => t.asin()), Math.asin);
  });

  it('atan from 1e-38 to the largest float32, and at ±infinity', async () => {
    const e = await gpuEngine();
    expectWithinBound('atan', wide, await apply(e, wide, (t) => t.atan()), Math.atan);
  });

  it('acos in a fused kernel', async () => {
    const e = await gpuEngine();
    const f = e.compile((t: Tensor) => t.neg().acos());
    const t = e.tensor(unit);
    try {
      expectWithinBound('fused acos', unit, await take(f(t)), (v) => Math.acos(-v));
      expect(f.commandsPerCall).toEqual(['fused']);
    } finally {
      t.dispose();
      f.dispose();
    }
  });

  it('NaN outside [-1, 1]', async () => {
    const e = await gpuEngine();
    const outside = Float32Array.from([1.0000001, -1.0000001, 2, Infinity, NaN]);
    expect(await apply(e, outside, (t) => t.acos())).toAllClose([NaN, NaN, NaN, NaN, NaN]);
    expect(await apply(e, outside, (t) => t.asin())).toAllClose([NaN, NaN, NaN, NaN, NaN]);
  });
});
