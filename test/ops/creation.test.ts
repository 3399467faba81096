import { describe, expect, it } from 'vitest';
import type { Engine, Tensor } from '../../src/index.js';
import { backends, cpuEngine, gpuEngine } from '../helpers/engines.js';
import { expectClose } from '../helpers/allclose.js';

/** Runs `check` on every available backend. */
async function onEachBackend(check: (e: Engine) => Promise<void>): Promise<void> {
  for (const [, make] of backends) {
    const e = await make();
    if (e) await check(e);
  }
}

async function values(t: Tensor): Promise<number[]> {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

function moments(v: ArrayLike<number>): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  const mean = s / v.length;
  let q = 0;
  for (let i = 0; i < v.length; i++) q += (v[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(q / v.length) };
}

describe('eye', () => {
  it('makes square, rectangular and batched identities', async () => {
    await onEachBackend(async (e) => {
      expect(await e.eye(3).array()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
      expect(await e.eye(2, 4).array()).toEqual([[1, 0, 0, 0], [0, 1, 0, 0]]);
      const batched = e.eye(3, 2, [2]);
      expect(batched.shape).toEqual([2, 3, 2]);
      expect(await batched.array()).toEqual([[[1, 0], [0, 1], [0, 0]], [[1, 0], [0, 1], [0, 0]]]);
      // Past one workgroup of 256 elements.
      const big = await values(e.eye(17, 19, [1]));
      expect(big.filter((v, i) => v !== (Math.floor(i / 19) === i % 19 ? 1 : 0))).toEqual([]);
    });
  });

  it('rejects bad sizes', async () => {
    const e = await cpuEngine();
    expect(() => e.eye(-1)).toThrow('eye: numRows must be a non-negative integer, got -1');
    expect(() => e.eye(2, 1.5)).toThrow('eye: numColumns must be a non-negative integer, got 1.5');
  });
});

describe('range and linspace', () => {
  it('has the lengths and values of numpy.arange', async () => {
    await onEachBackend(async (e) => {
      expect(await values(e.range(5))).toEqual([0, 1, 2, 3, 4]);
      expect(await values(e.range(10, 0, -3))).toEqual([10, 7, 4, 1]);
      expect(await values(e.range(0, -1))).toEqual([]);
      expect(await values(e.range(2, 2))).toEqual([]);
      expect(await values(e.range(-3, 4, 2, 'int32'))).toEqual([-3, -1, 1, 3]);
      // (1.3 - 1) / 0.1 = 3.0000000000000004 in doubles: numpy gives 4 values, so do we.
      expect((await values(e.range(1, 1.3, 0.1))).length).toBe(4);
      expect((await values(e.range(0, 1, 0.1))).length).toBe(10);
      expectClose(await values(e.range(0.5, 300, 1.25)), Array.from({ length: 240 }, (_, i) => 0.5 + i * 1.25), 1e-6, 1e-6);
    });
  });

  it('linspace ends exactly on stop', async () => {
    await onEachBackend(async (e) => {
      const v = await values(e.linspace(-3, 2.7, 301));
      expect(v.length).toBe(301);
      expect(v[0]).toBe(-3);
      expect(v[300]).toBe(Math.fround(2.7));
      expectClose(v, Array.from({ length: 301 }, (_, i) => -3 + (i * 5.7) / 300), 1e-6, 1e-6);
      expect(await values(e.linspace(0, 1, 5))).toEqual([0, 0.25, 0.5, 0.75, 1]);
      expect(await values(e.linspace(0.1, 0.7, 3))).toEqual([0.1, 0.4, 0.7].map(Math.fround));
      expect(await values(e.linspace(5, 9, 1))).toEqual([5]);
      expect(await values(e.linspace(5, 9, 0))).toEqual([]);
    });
  });

  it('agrees between CPU and GPU', async () => {
    const gpu = await gpuEngine();
    const cpu = await cpuEngine();
    for (const make of [(e: Engine) => e.range(-7.3, 1000, 3.7), (e: Engine) => e.linspace(1e-3, 17, 513)]) {
      expectClose(await values(make(gpu)), await values(make(cpu)), 0, 1e-6);
    }
  });

  it('rejects a zero step and bad counts', async () => {
    const e = await cpuEngine();
    expect(() => e.range(0, 5, 0)).toThrow('range: step must not be 0 (start 0, stop 5)');
    expect(() => e.range(0.5, 5, 1, 'int32')).toThrow('range: int32 values need an integer start and step');
    expect(() => e.linspace(0, 1, -2)).toThrow('linspace: num must be a non-negative integer, got -2');
  });
});

describe('random', () => {
  it('is reproducible from a seed and differs without one', async () => {
    await onEachBackend(async (e) => {
      const a = await values(e.randomUniform([100], { seed: 7 }));
      expect(await values(e.randomUniform([100], { seed: 7 }))).toEqual(a);
      expect(await values(e.randomUniform([100], { seed: 8 }))).not.toEqual(a);
      const n = await values(e.randomNormal([50], { seed: 7 }));
      expect(await values(e.randomNormal([50], { seed: 7 }))).toEqual(n);
      expect(await values(e.randomUniform([20]))).not.toEqual(await values(e.randomUniform([20])));
      expect(await values(e.truncatedNormal([20]))).not.toEqual(await values(e.truncatedNormal([20])));
    });
  });

  it('gives the same values on the CPU and the GPU', async () => {
    const gpu = await gpuEngine();
    const cpu = await cpuEngine();
    const same = async (make: (e: Engine) => Tensor): Promise<[number[], number[]]> => [await values(make(gpu)), await values(make(cpu))];
    // Integers: the hash bits themselves (low 24 bits of pcg_hash), exact.
    const [gi, ci] = await same((e) => e.randomUniform([1000], { minval: -(2 ** 23), maxval: 2 ** 23, seed: 3, dtype: 'int32' }));
    expect(gi).toEqual(ci);
    // [0, 1): 24 hash bits over 2^24, exact in float32.
    const [gu, cu] = await same((e) => e.randomUniform([1000], { seed: 0xdeadbeef }));
    expect(gu).toEqual(cu);
    // Other bounds: a multiply-add that a device may fuse, so within an ulp.
    const [gb, cb] = await same((e) => e.randomUniform([1000], { minval: -3, maxval: 5, seed: 4 }));
    expectClose(gb, cb, 1e-6, 1e-6);
    // Normal: the device's log and cos differ from the CPU's by a few ulps (lavapipe: up to 8e-6
    // on z over 100k samples, largest where cos cancels near ±pi/2).
    const [gn, cn] = await same((e) => e.randomNormal([1000], { mean: 1, stddev: 2, seed: 5 }));
    expectClose(gn, cn, 1e-4, 1e-5);
    const [gt, ct] = await same((e) => e.truncatedNormal([1000], { seed: 6 }));
    expectClose(gt, ct, 5e-5, 1e-5);
  });

  it('has the right distributions (10k samples)', async () => {
    await onEachBackend(async (e) => {
      const u = await values(e.randomUniform([100, 100], { minval: 2, maxval: 4, seed: 11 }));
      expect(Math.min(...u)).toBeGreaterThanOrEqual(2);
      expect(Math.max(...u)).toBeLessThan(4);
      const mu = moments(u);
      expect(Math.abs(mu.mean - 3)).toBeLessThan(0.02);
      expect(Math.abs(mu.std - 2 / Math.sqrt(12))).toBeLessThan(0.02);

      const mn = moments(await values(e.randomNormal([10000], { mean: -1, stddev: 3, seed: 12 })));
      expect(Math.abs(mn.mean + 1)).toBeLessThan(0.1);
      expect(Math.abs(mn.std - 3)).toBeLessThan(0.1);

      const t = await values(e.truncatedNormal([10000], { stddev: 2, seed: 13 }));
      expect(Math.max(...t.map(Math.abs))).toBeLessThanOrEqual(4);
      const mt = moments(t);
      expect(Math.abs(mt.mean)).toBeLessThan(0.05);
      // The standard deviation of a normal truncated at ±2σ is 0.8796σ.
      expect(Math.abs(mt.std - 2 * 0.8796)).toBeLessThan(0.05);

      const ints = await values(e.randomUniform([10000], { minval: -2, maxval: 3, seed: 14, dtype: 'int32' }));
      const counts = [-2, -1, 0, 1, 2].map((k) => ints.filter((v) => v === k).length);
      expect(counts.reduce((a, b) => a + b)).toBe(10000);
      for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(150);
    });
  });

  it('rejects bad bounds and seeds', async () => {
    const e = await cpuEngine();
    expect(() => e.randomUniform([2], { minval: 1, maxval: 1 })).toThrow('randomUniform: needs finite minval < maxval, got [1, 1)');
    expect(() => e.randomUniform([2], { maxval: 2.5, dtype: 'int32' })).toThrow('randomUniform: int32 values need integer bounds, got [0, 2.5)');
    expect(() => e.randomNormal([2], { seed: 0.5 })).toThrow('randomNormal: seed must be an integer, got 0.5');
    expect(() => e.truncatedNormal([2], { stddev: -1 })).toThrow('truncatedNormal: stddev must be a finite number >= 0, got -1');
    expect(() => e.randomNormal([2, -1])).toThrow('randomNormal: invalid shape [2,-1]');
  });
});
