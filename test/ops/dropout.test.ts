import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/index.js';
import { checkOp } from '../helpers/gradcheck.js';
import { backends, cpuEngine, gpuEngine } from '../helpers/engines.js';

describe('dropout', () => {
  it('matches finite differences and the GPU with a fixed seed', async () => {
    await checkOp((_e, x) => x!.dropout(0.4, { seed: 7 }), [{ shape: [3, 5, 7] }]);
    await checkOp((_e, x) => x!.dropout(0.5, { seed: 123, noiseShape: [2, 1, 1, 3] }), [{ shape: [2, 3, 5, 3] }]);
  });

  it('draws the same mask on the CPU and the GPU', async () => {
    const gpu = await gpuEngine();
    const cpu = await cpuEngine();
    // Innermost 5 (each element finds its mask index) and 8 (whole fours: indices follow on
    // from the first of each four, by the noise stride, 0 where the noise broadcasts).
    const cases: [number[], ((number | null)[] | undefined)[]][] = [
      [[3, 67, 5], [undefined, [3, 1, 5], [1, 67, null]]],
      [[3, 9, 8], [undefined, [3, 1, 8], [3, 9, 1]]],
    ];
    for (const [shape, noiseShapes] of cases) {
      const values = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => (i % 13) - 6.5);
      for (const noiseShape of noiseShapes) {
        const options = { seed: 0xdeadbeef, noiseShape };
        const onCpu = cpu.tensor(values, shape).dropout(0.3, options);
        const onGpu = gpu.tensor(values, shape).dropout(0.3, options);
        expect(await onGpu.data()).toEqual(await onCpu.data());
      }
    }
  });

  describe.each(backends)('%s', (_name, engine) => {
    it('is reproducible from its seed and differs between seeds', async () => {
      const e = await engine();
      const x = e.ones([1000]);
      const a = await x.dropout(0.5, { seed: 42 }).data();
      const b = await x.dropout(0.5, { seed: 42 }).data();
      const c = await x.dropout(0.5, { seed: 43 }).data();
      const d1 = await x.dropout(0.5).data();
      const d2 = await x.dropout(0.5).data();
      expect(b).toEqual(a);
      expect(c).not.toEqual(a);
      expect(d2).not.toEqual(d1);
      x.dispose();
    });

    it('keeps 1 - rate of the elements, scaled by 1 / (1 - rate)', async () => {
      const e = await engine();
      const n = 100_000;
      const x = e.ones([n]);
      const rate = 0.3;
      const y = await x.dropout(rate, { seed: 2024 }).data();
      const kept = y.filter((v) => v !== 0);
      // 4.5 standard deviations of a binomial proportion.
      expect(Math.abs(kept.length / n - (1 - rate))).toBeLessThan(4.5 * Math.sqrt((rate * (1 - rate)) / n));
      expect(kept.every((v) => v === Math.fround(1 / (1 - rate)))).toBe(true);
      x.dispose();
    });

    it('shares the mask along the axes the noise shape broadcasts over', async () => {
      const e = await engine();
      const x = e.ones([2, 4, 3, 16]);
      const y = await x.dropout(0.5, { seed: 5, noiseShape: [2, 1, 1, 16] }).array() as number[][][][];
      for (const image of y) {
        for (const row of image) for (const pixel of row) expect(pixel).toEqual(image[0]![0]);
      }
      expect(y[0]![0]![0]).not.toEqual(y[1]![0]![0]);
      x.dispose();
    });

    it('is the identity in inference and for rate 0, gradient included', async () => {
      const e = await engine();
      const x = e.tensor([1, -2, 3, 4.5]);
      expect(await x.dropout(0.9, { training: false }).data()).toEqual(await x.data());
      expect(await x.dropout(0).data()).toEqual(await x.data());
      const [g] = e.grad((t) => t.dropout(0.9, { training: false }).mul(t).sum())(x);
      expect(await g!.data()).toEqual(new Float32Array([2, -4, 6, 9]));
      e.dispose([x, g]);
    });

    it('routes the gradient through the same mask', async () => {
      const e = await engine();
      const x = e.ones([500]);
      const y = await x.dropout(0.25, { seed: 9 }).data();
      const [g] = e.grad((t) => t.dropout(0.25, { seed: 9 }).sum())(x);
      expect(await g!.data()).toEqual(y);
      e.dispose([x, g]);
    });
  });

  describe.each(backends)('e.compile on %s', (_name, engine) => {
    it('draws a fresh mask on every replay, shared by the forward and the gradient', async () => {
      const e = await engine();
      const x = e.ones([256]);
      const step = e.compile((t: Tensor) => {
        const { value, grads } = e.valueAndGrad(() => t.dropout(0.5).sum(), [t]);
        return { value, grad: grads[0]! };
      });
      const masks: Float32Array[] = [];
      for (let i = 0; i < 3; i++) {
        const { value, grad } = step(x);
        const g = await grad.data();
        // value = sum(mask · 2) and grad = mask · 2: the same mask.
        expect((await value.data())[0]).toBe(g.reduce((a, b) => a + b, 0));
        masks.push(g);
        e.dispose([value, grad]);
      }
      expect(masks[1]).not.toEqual(masks[0]);
      expect(masks[2]).not.toEqual(masks[1]);
      // A seed function is called per mask as well.
      let calls = 0;
      const seeded = e.compile((t: Tensor) => t.dropout(0.5, { seed: () => 1000 + calls++ }));
      const first = seeded(x);
      const second = seeded(x);
      expect(await second.data()).not.toEqual(await first.data());
      expect(await x.dropout(0.5, { seed: 1001 }).data()).toEqual(await second.data());
      step.dispose();
      seeded.dispose();
      e.dispose([x, first, second]);
    });
  });

  it('errors name the op and the shapes', async () => {
    const e = await cpuEngine();
    const x = e.zeros([2, 3]);
    expect(() => x.dropout(1)).toThrow('dropout: rate must be a number in [0, 1), got 1 (x of shape [2,3])');
    expect(() => x.dropout(-0.1)).toThrow('dropout: rate must be a number in [0, 1), got -0.1');
    expect(() => x.dropout(0.5, { noiseShape: [2, 2] })).toThrow('dropout: noiseShape [2,2] does not broadcast to x of shape [2,3]');
    expect(() => x.dropout(0.5, { noiseShape: [3] })).toThrow('dropout: noiseShape [3] does not broadcast to x of shape [2,3]');
    expect(() => x.dropout(0.5, { seed: -1 })).toThrow('dropout: seed must be an unsigned 32-bit integer, got -1');
    expect(() => x.dropout(0.5, { seed: () => 0.5 })).toThrow('dropout: seed must be an unsigned 32-bit integer, got 0.5');
    x.dispose();
  });
});
