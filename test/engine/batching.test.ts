import { describe, expect, it } from 'vitest';
import type { Engine, Tensor } from '../../src/index.js';
import { gpuEngine } from '../helpers/engines.js';
import { expectClose } from '../helpers/allclose.js';

/**
 * Captured steps run independent generated kernels of one shape as one dispatch
 * (src/backend/webgpu/graph/capture_compiler.ts): results must match the eager path.
 */
async function eagerAndCaptured(e: Engine, f: (...xs: Tensor[]) => Tensor[], inputs: Tensor[]): Promise<{ dispatches: number; unfused: number }> {
  const expected = await Promise.all(e.tidy(() => f(...inputs)).map(async (t) => {
    const v = await t.data();
    t.dispose();
    return v;
  }));
  const captured = e.compile(f);
  const plain = e.compile(f, { fuse: false });
  for (let call = 0; call < 3; call++) {
    const outs = captured(...inputs);
    const got = await Promise.all(outs.map((t) => t.data()));
    got.forEach((g, k) => expectClose(g, expected[k]!, 1e-5, 1e-4, `output ${k}, call ${call}`));
    e.dispose(outs);
  }
  e.dispose(plain(...inputs));
  const result = { dispatches: captured.dispatchesPerCall, unfused: plain.dispatchesPerCall };
  captured.dispose();
  plain.dispose();
  return result;
}

describe('batched generated kernels in captured steps', () => {
  it('runs per-pair slices and their gradients (the force-loss pattern) in a few dispatches', async () => {
    const e = await gpuEngine();
    const n = 6;
    const V = e.tensor(Array.from({ length: n * 3 }, (_, i) => Math.sin(i * 1.7) + 0.1 * i), [n, 3]);
    const f = (v: Tensor): Tensor[] => {
      const { value, grads } = e.valueAndGrad(() => {
        const rows: Tensor[] = [];
        for (let i = 0; i < n; i++) {
          const terms: Tensor[] = [];
          for (let j = 0; j < n; j++) {
            if (i === j) continue;
            const diff = v.index(i).sub(v.index(j));
            terms.push(diff.div(diff.tensordot(diff, 1).sqrt().pow(3)));
          }
          rows.push(e.stack(terms).sum());
        }
        return e.stack(rows).square().sum();
      }, [v]);
      return [value, grads[0]!];
    };
    const { dispatches, unfused } = await eagerAndCaptured(e, f, [V]);
    expect(unfused).toBeGreaterThan(300);
    expect(dispatches).toBeLessThan(60);
    V.dispose();
  });

  it('keeps reads before a variable is overwritten, and uploads made inside the step', async () => {
    const e = await gpuEngine();
    const v = e.variable([1, 2, 3], [3]);
    const w = e.variable([1, 2, 3], [3]);
    const step = (u: typeof v) => (): Tensor[] => {
      const before = u.mul(2);
      u.assign(u.add(e.tensor([10, 20, 30])));
      const after = u.mul(3);
      return [before, after];
    };
    const captured = e.compile(step(v));
    for (let call = 0; call < 3; call++) {
      const got = captured();
      const want = e.tidy(step(w));
      for (let k = 0; k < 2; k++) expect(Array.from(await got[k]!.data())).toEqual(Array.from(await want[k]!.data()));
      e.dispose([got, want]);
    }
    captured.dispose();
    e.dispose([v, w]);
  });
});
