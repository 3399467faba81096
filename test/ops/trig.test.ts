import { describe, expect, it } from 'vitest';
import type { Engine, Tensor } from '../../src/index.js';
import { backends, gpuEngine } from '../helpers/engines.js';
import { describeWorst, floatsBelowOne, TRIG_MAX_ERROR, unitIntervalInputs, wideInputs, worstError } from '../helpers/trig_inputs.js';

/**
 * acos, asin and atan against float64 at the same float32 inputs: within 1e-6 absolute over the
 * whole domain (a million points over [-1, 1] and the 4,096 float32 values nearest each end; atan
 * from 1e-38 to the largest float32 and infinity), NaN outside the domain, the sign of zero kept;
 * the same functions inside fused kernels; and the gradients near the ends.
 */
const unit = unitIntervalInputs(1 << 20);
const wide = wideInputs(1 << 18);

async function apply(e: Engine, x: Float32Array, f: (t: Tensor) => Tensor): Promise<Float32Array> {
  const t = e.tensor(x);
  const y = f(t);
  try {
    return await y.data();
  } finally {
    e.dispose([t, y]);
  }
}

describe.each(backends)('trigonometry within 1e-6 of float64 (%s)', (_name, engine) => {
  for (const [name, f, exact] of [
    ['acos', (t: Tensor) => t.acos(), Math.acos],
    ['asin', (t: Tensor) => t.asin(), Math.asin],
  ] as const) {
    it(`${name} over [-1, 1], dense at the ends`, async (ctx) => {
      const e = await engine();
      if (!e) return ctx.skip();
      const w = worstError(unit, await apply(e, unit, f), exact);
      expect(w.error, describeWorst(name, w)).toBeLessThanOrEqual(TRIG_MAX_ERROR);
    });
  }

  it('atan from 1e-38 to the largest float32, and at ±infinity', async (ctx) => {
    const e = await engine();
    if (!e) return ctx.skip();
    const w = worstError(wide, await apply(e, wide, (t) => t.atan()), Math.atan);
    expect(w.error, describeWorst('atan', w)).toBeLessThanOrEqual(TRIG_MAX_ERROR);
  });

  it('NaN outside [-1, 1] and for NaN; the sign of zero kept', async (ctx) => {
    const e = await engine();
    if (!e) return ctx.skip();
    const outside = Float32Array.from([1.0000001, -1.0000001, 2, -7, Infinity, -Infinity, NaN]);
    for (const f of [(t: Tensor) => t.acos(), (t: Tensor) => t.asin()]) {
      expect(Array.from(await apply(e, outside, f)).every(Number.isNaN)).toBe(true);
    }
    expect(Number.isNaN((await apply(e, Float32Array.from([NaN]), (t) => t.atan()))[0])).toBe(true);
    const zeros = Float32Array.from([0, -0]);
    for (const f of [(t: Tensor) => t.asin(), (t: Tensor) => t.atan()]) {
      const [pos, neg] = await apply(e, zeros, f);
      expect(Object.is(pos, 0) && Object.is(neg, -0), `got ${pos}, ${neg}`).toBe(true);
    }
  });

  it('gradients of acos, asin and atan near the ends match float64', async (ctx) => {
    const e = await engine();
    if (!e) return ctx.skip();
    // Inside (-1, 1) only: the gradient of acos and asin is infinite at ±1.
    const ends = floatsBelowOne(4096).subarray(1);
    const x = Float32Array.from([...ends, ...ends.map((v) => -v), ...unitIntervalInputs(4097, 0).filter((v) => Math.abs(v) < 1)]);
    const cases = [
      ['acos', (t: Tensor) => t.acos(), (v: number) => -1 / Math.sqrt(1 - v * v)],
      ['asin', (t: Tensor) => t.asin(), (v: number) => 1 / Math.sqrt(1 - v * v)],
      ['atan', (t: Tensor) => t.atan(), (v: number) => 1 / (1 + v * v)],
    ] as const;
    for (const [name, f, derivative] of cases) {
      const t = e.tensor(x);
      const [g] = e.grad((u) => f(u).sum())(t);
      const got = await g!.data();
      e.dispose([t, g]);
      // Relative: the derivative grows as 1/√(1 − x²), up to 2900 at 1 − 2⁻²⁴. The backward rule
      // forms 1 − x² from a rounded x², which loses up to 4.4e-5 of it near ±1.
      let worst = 0;
      let at = 0;
      x.forEach((v, i) => {
        const rel = Math.abs(got[i]! - derivative(v)) / Math.abs(derivative(v));
        if (!(rel <= worst)) [worst, at] = [rel, v];
      });
      expect(worst, `${name}': relative error ${worst.toExponential(3)} at x = ${at}`).toBeLessThan(1e-4);
    }
  });
});

describe('trigonometry in fused kernels', () => {
  it('acos, asin and atan keep their precision when fused into a chain', async () => {
    const e = await gpuEngine();
    const t = e.tensor(unit);
    const chains = [
      ['acos', (u: Tensor) => u.neg().acos(), (v: number) => Math.acos(-v)],
      ['asin', (u: Tensor) => u.neg().asin().neg(), (v: number) => Math.asin(v)],
      ['atan', (u: Tensor) => u.mul(4).atan(), (v: number) => Math.atan(4 * v)],
    ] as const;
    for (const [name, chain, exact] of chains) {
      const f = e.compile(chain);
      const y = f(t);
      const w = worstError(unit, await y.data(), exact);
      expect(f.commandsPerCall, name).toEqual(['fused']);
      expect(w.error, describeWorst(`fused ${name}`, w)).toBeLessThanOrEqual(TRIG_MAX_ERROR);
      y.dispose();
      f.dispose();
    }
    t.dispose();
  });
});
