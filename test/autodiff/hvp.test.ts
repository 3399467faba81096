// Hessian-vector products by reverse-over-reverse differentiation: Hv = ∇(x ↦ <∇f(x), v>).
// The backward rules of matmul, the elementwise ops and the reductions are written with ops, so
// the gradient of a gradient is just another gradient.
import { describe, expect, it } from 'vitest';
import type { Engine, Tensor } from '../../src/index.js';
import { cpu64Engine, cpuEngine, gpuEngine } from '../helpers/engines.js';
import { readF64 } from '../helpers/gradcheck.js';
import { expectClose } from '../helpers/allclose.js';
import { uniformValues } from '../helpers/random.js';

const n = 7;
const wValues = uniformValues(n * n, -0.6, 0.6, 11);
const xValues = uniformValues(n, -1, 1, 12);
const vValues = uniformValues(n, -1, 1, 13);

/** f(x) = sum(sin(W x) ⊙ x ⊙ x) + logSumExp(W x) + 0.1·‖x‖² + mean(x ⊗ x) (x as a column). */
function objective(w: Tensor, x: Tensor): Tensor {
  const wx = w.matmul(x);
  const column = x.reshape([n, 1]);
  return wx
    .sin()
    .mul(x.square())
    .sum()
    .add(wx.logSumExp())
    .add(x.norm().square().mul(0.1))
    .add(column.matmul(column, false, true).mean());
}

/** Hv by nested e.grad: the inner gradient is recorded by the outer tape. */
function hvpByGrad(e: Engine, w: Tensor, x: Tensor, v: Tensor): Tensor {
  const gradF = (t: Tensor): Tensor => e.grad((u) => objective(w, u))(t)[0]!;
  return e.grad((t) => gradF(t).mul(v).sum())(x)[0]!;
}

/** The same with nested valueAndGrad calls. */
function hvpByValueAndGrad(e: Engine, w: Tensor, x: Tensor, v: Tensor): Tensor {
  const { value, grads } = e.valueAndGrad(() => {
    const inner = e.valueAndGrad(() => objective(w, x), [x]);
    return inner.grads[0]!.mul(v).sum();
  }, [x]);
  value.dispose();
  return grads[0]!;
}

describe('Hessian-vector products', () => {
  it('match central differences of the gradient (float64 CPU)', async () => {
    const e = await cpu64Engine();
    const w = e.tensor(wValues, [n, n]);
    const x = e.tensor(xValues);
    const v = e.tensor(vValues);
    const hv = await readF64(hvpByGrad(e, w, x, v));
    const h = 1e-5;
    const gradAt = async (shift: number): Promise<Float64Array> => {
      const moved = e.tensor(xValues.map((xi, i) => xi + shift * vValues[i]!));
      const g = e.grad((u) => objective(w, u))(moved)[0]!;
      const out = await readF64(g);
      e.dispose([moved, g]);
      return out;
    };
    const plus = await gradAt(h);
    const minus = await gradAt(-h);
    const numeric = Array.from(plus, (p, i) => (p - minus[i]!) / (2 * h));
    expectClose(hv, numeric, 1e-6, 1e-5, 'Hv (reverse-over-reverse vs differences of the gradient)');
    expectClose(await readF64(hvpByValueAndGrad(e, w, x, v)), hv, 1e-12, 1e-10, 'Hv (nested valueAndGrad vs nested grad)');
    e.dispose([w, x, v]);
  });

  it('is symmetric: <u, H v> = <v, H u>', async () => {
    const e = await cpu64Engine();
    const w = e.tensor(wValues, [n, n]);
    const x = e.tensor(xValues);
    const v = e.tensor(vValues);
    const u = e.tensor(uniformValues(n, -1, 1, 14));
    const uHv = (await readF64(hvpByGrad(e, w, x, v).mul(u).sum()))[0]!;
    const vHu = (await readF64(hvpByGrad(e, w, x, u).mul(v).sum()))[0]!;
    expect(Math.abs(uHv - vHu)).toBeLessThan(1e-10 * Math.max(1, Math.abs(uHv)));
    e.dispose([w, x, v, u]);
  });

  it('with respect to W and x together match differences of the gradient', async () => {
    const e = await cpu64Engine();
    const vw = uniformValues(n * n, -1, 1, 15);
    const grads = (wv: number[], xv: number[]): [Tensor, Tensor] => {
      const [gw, gx] = e.grad((w, x) => objective(w, x))(e.tensor(wv, [n, n]), e.tensor(xv));
      return [gw!, gx!];
    };
    const w = e.tensor(wValues, [n, n]);
    const x = e.tensor(xValues);
    const [hw, hx] = e.grad((a, b) => {
      const [gw, gx] = e.grad((p, q) => objective(p, q))(a, b);
      return gw!.mul(e.tensor(vw, [n, n])).sum().add(gx!.mul(e.tensor(vValues)).sum());
    })(w, x);
    const h = 1e-5;
    const [pw, px] = grads(wValues.map((a, i) => a + h * vw[i]!), xValues.map((a, i) => a + h * vValues[i]!));
    const [mw, mx] = grads(wValues.map((a, i) => a - h * vw[i]!), xValues.map((a, i) => a - h * vValues[i]!));
    const diff = async (p: Tensor, m: Tensor): Promise<number[]> => {
      const [a, b] = [await readF64(p), await readF64(m)];
      return Array.from(a, (ai, i) => (ai - b[i]!) / (2 * h));
    };
    expectClose(await readF64(hw!), await diff(pw, mw), 1e-6, 1e-5, 'H v, W block');
    expectClose(await readF64(hx!), await diff(px, mx), 1e-6, 1e-5, 'H v, x block');
  });

  it('on WebGPU match the float32 CPU', async () => {
    const gpu = await gpuEngine();
    const results: Float32Array[] = [];
    for (const e of [await cpuEngine(), gpu]) {
      const w = e.tensor(wValues, [n, n]);
      const x = e.tensor(xValues);
      const v = e.tensor(vValues);
      const hv = hvpByGrad(e, w, x, v);
      results.push(await hv.data());
      e.dispose([w, x, v, hv]);
    }
    expectClose(results[1]!, results[0]!, 1e-4, 1e-3, 'Hv (GPU vs CPU)');
  });
});
