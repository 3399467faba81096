import { describe, expect, it } from 'vitest';
import type { Engine, Tensor } from '../../src/index.js';
import { cpuEngine, gpuEngine } from '../helpers/engines.js';
import type { WebGpuBackend } from '../../src/backend/webgpu/webgpu_backend.js';
import { expectClose } from '../helpers/allclose.js';

/**
 * Fusion of elementwise chains in captured steps (src/backend/webgpu/graph/fusion.ts): results must
 * match the eager path (to float32 rounding: fused code may contract a·b + c), with fewer
 * dispatches, and must stay correct where fusing would be wrong (reads of a buffer that is
 * written in between, in-place updates that read other elements).
 */
async function compare(e: Engine, f: (...xs: Tensor[]) => Tensor | Tensor[], inputs: Tensor[], expectFewer = true): Promise<void> {
  const eager = e.tidy(() => [f(...inputs)].flat());
  const expected = await Promise.all(eager.map((t) => t.data()));
  const fused = e.compile((...xs: Tensor[]) => [f(...xs)].flat());
  const plain = e.compile((...xs: Tensor[]) => [f(...xs)].flat(), { fuse: false });
  for (let call = 0; call < 2; call++) {
    const outs = fused(...inputs);
    const got = await Promise.all(outs.map((t) => t.data()));
    got.forEach((g, k) => expectClose(g, expected[k]!, 1e-6, 1e-5, `output ${k}, call ${call}`));
    e.dispose(outs);
  }
  e.dispose(plain(...inputs));
  if (expectFewer) expect(fused.dispatchesPerCall).toBeLessThan(plain.dispatchesPerCall);
  fused.dispose();
  plain.dispose();
  e.dispose(eager);
}

describe('fusion in captured steps', () => {
  it('fuses broadcasting, transposes and slices into one kernel', async () => {
    const e = await gpuEngine();
    const a = e.tensor(Array.from({ length: 15 }, (_, i) => Math.sin(i)), [3, 5]);
    const b = e.tensor([0.5, -1, 2], [3, 1]);
    await compare(e, (x, y) => x.transpose().mul(y.reshape([3])).tanh().add(x.slice([0, 1], [3, 3]).sum()).exp(), [a, b]);
    const s0 = e.stats().fusedKernels;
    const f = e.compile((x: Tensor) => x.mul(2).add(1).sigmoid().square());
    f(a).dispose();
    expect(e.stats().fusedKernels - s0).toBe(1);
    expect(f.dispatchesPerCall).toBe(1);
    expect(f.commandsPerCall).toEqual(['fused']);
    f.dispose();
    e.dispose([a, b]);
  });

  it('fuses an elementwise prologue into sum, max, min and prod', async () => {
    const e = await gpuEngine();
    const x = e.tensor(Array.from({ length: 3 * 300 }, (_, i) => Math.cos(i * 0.37)), [3, 300]);
    await compare(e, (t) => (['sum', 'max', 'min', 'prod'] as const).map((r, k) => t.mul(1.01).sub(0.1 * k).abs()[r](1)), [x]);
    const f = e.compile((t: Tensor) => t.sub(0.5).square().sum());
    f(x).dispose();
    expect(f.commandsPerCall).toEqual(['fused_reduce_sum']);
    f.dispose();
    x.dispose();
  });

  it('runs the elementwise consumer of a reduction in its store (an epilogue)', async () => {
    const e = await gpuEngine();
    const x = e.tensor(Array.from({ length: 4 * 70 }, (_, i) => Math.cos(i * 0.37)), [4, 70]);
    const y = e.tensor([0.5, -1, 2, 0.25], [4]);
    // A mean (sum, then divide), a sum combined with another input, a max with a broadcast scalar.
    await compare(e, (t, u) => [t.square().mean(), t.sum(1).mul(u).exp(), t.max(1).sub(t.min()).sqrt()], [x, y]);
    const f = e.compile((t: Tensor, u: Tensor) => t.sub(0.5).square().sum(1).mul(u).add(1));
    f(x, y).dispose();
    expect(f.commandsPerCall).toEqual(['fused_reduce_sum']);
    f.dispose();
    // Not when the reduction's result has another reader: it must be stored as it is.
    const g = e.compile((t: Tensor, u: Tensor) => {
      const s = t.sum(1);
      return [s.mul(u), s];
    });
    e.dispose(g(x, y));
    expect(g.commandsPerCall.length).toBe(2);
    g.dispose();
    e.dispose([x, y]);
  });

  it('fuses the gradient of slices (pads) and the blocks of a stack (scatters)', async () => {
    const e = await gpuEngine();
    const v = e.tensor(Array.from({ length: 12 }, (_, i) => Math.sin(i + 1)), [4, 3]);
    const f = (x: Tensor): Tensor[] => {
      const { value, grads } = e.valueAndGrad(() => e.stack([x.index(0).mul(2), x.index(2).sin(), x.index(3).sub(x.index(1))]).square().sum(), [x]);
      return [value, grads[0]!];
    };
    await compare(e, f, [v]);
    const fused = e.compile(f);
    e.dispose(fused(v));
    expect(fused.commandsPerCall).toContain('fused_scatter_strided');
    expect(fused.commandsPerCall).not.toContain('pad_strided');
    fused.dispose();
    v.dispose();
  });

  it('fuses a training step, in-place updates included, and keeps it equal to eager', async () => {
    const e = await gpuEngine();
    const x = e.tensor([0.1, -0.7, 1.3, 2.1, -1.9], [5]);
    const w = e.variable([0.5, -0.5, 0.25, 1, 0], [5]);
    const w2 = e.variable([0.5, -0.5, 0.25, 1, 0], [5]);
    const step = (v: typeof w) => (xs: Tensor): Tensor => {
      const { value, grads } = e.valueAndGrad(() => xs.mul(v).sin().sum(), [v]);
      v.assign(v.sub(grads[0]!.mul(0.1)));
      return value;
    };
    const fused = e.compile(step(w));
    const eager = step(w2);
    for (let i = 0; i < 5; i++) {
      e.dispose([fused(x), e.tidy(() => eager(x))]);
      expectClose(await w.data(), await w2.data(), 1e-6, 1e-5, `w after step ${i}`);
    }
    // The update v - 0.1·g is computed in place into v: no separate copy kernel.
    expect(fused.commandsPerCall).not.toContain('copy');
    fused.dispose();
    e.dispose([x, w, w2]);
  });

  it('recomputes a small shared producer in each reduction reading it, and stacks the reductions (a linear regression gradient)', async () => {
    const e = await gpuEngine();
    const h = e.tensor(Array.from({ length: 150 }, (_, i) => 1.5 + Math.sin(i) * 0.2), [150]);
    const y = e.tensor(Array.from({ length: 150 }, (_, i) => 60 + Math.cos(i * 0.7) * 9), [150]);
    const slope = e.variable([2], []);
    const intercept = e.variable([-1], []);
    const lossAndGrads = (): Tensor[] => {
      const { value, grads } = e.valueAndGrad(() => h.mul(slope).add(intercept).sub(y).square().mean(), [slope, intercept]);
      return [value, ...grads];
    };
    await compare(e, lossAndGrads, []);
    // The residual's gradient, 2/n·(h·slope + intercept - y) (7 nodes), runs inside both gradient
    // sums instead of being stored once and read twice; the loss and the two sums, independent
    // and of one row shape, then run as one stacked reduction.
    const f = e.compile(lossAndGrads);
    e.dispose(f());
    expect(f.commandsPerCall).toEqual(['stacked_reduce_sum']);
    f.dispose();
    e.dispose([h, y, slope, intercept]);
  });

  it('stacks independent reductions of one kind and row shape into one kernel', async () => {
    const e = await gpuEngine();
    const x = e.tensor(Array.from({ length: 3 * 300 }, (_, i) => Math.cos(i * 0.37)), [3, 300]);
    const y = e.tensor(Array.from({ length: 5 * 300 }, (_, i) => Math.sin(i * 0.11)), [5, 300]);
    const z = e.tensor(Array.from({ length: 4 * 7 }, (_, i) => Math.sin(i * 0.7)), [4, 7]);
    // Rows 3 and 5 of 300 (a workgroup per row), one with an epilogue and one with an input read
    // as it is; columns of [3, 300] (strided: inner 300, serial) and rows of 7 (serial); a min
    // beside them (another kind: its own kernel).
    const f = (a: Tensor, b: Tensor, c: Tensor): Tensor[] => [
      a.sum(1),
      b.square().sum(1).mul(2),
      b.sum(1),
      a.sum(0),
      a.abs().sum(0),
      c.sum(1),
      c.exp().sum(1).sqrt(),
      a.min(1),
    ];
    await compare(e, f, [x, y, z]);
    const g = e.compile(f);
    e.dispose(g(x, y, z));
    expect([...g.commandsPerCall].sort()).toEqual(['reduce_min', 'stacked_reduce_sum', 'stacked_reduce_sum', 'stacked_reduce_sum']);
    g.dispose();
    e.dispose([x, y, z]);
  });

  it('splits a stack whose buffers would pass the device\'s storage-binding limit', async () => {
    const e = await gpuEngine();
    // Ten sums of ten inputs, ten results: 20 buffers outside the arena, more than lavapipe's 16.
    const xs = Array.from({ length: 10 }, (_, k) => e.tensor(Array.from({ length: 3 * 40 }, (_, i) => Math.sin(i * 0.1 + k)), [3, 40]));
    const f = (...ts: Tensor[]): Tensor[] => ts.map((t) => t.sum(1));
    await compare(e, f, xs);
    const g = e.compile(f);
    e.dispose(g(...xs));
    const limit = (e.backend as WebGpuBackend).device.limits.maxStorageBuffersPerShaderStage;
    // Each part binds its input and its output; the arena and the job table take two more.
    expect(g.commandsPerCall.length).toBe(Math.ceil(10 / Math.floor((limit - 2) / 2)));
    expect(g.commandsPerCall.every((k) => k === 'stacked_reduce_sum' || k === 'fused_reduce_sum')).toBe(true);
    g.dispose();
    e.dispose(xs);
  });

  it('computes constants (eye, fill) on the first replay only, unless the step hands them out', async () => {
    const e = await gpuEngine();
    const x = e.tensor(Array.from({ length: 12 }, (_, i) => Math.sin(i)), [4, 3]);
    const f = e.compile((t: Tensor) => t.matmul(t, false, true).add(e.eye(4).mul(2 * Math.PI)).min(1));
    const expected = await e.tidy(() => x.matmul(x, false, true).add(e.eye(4).mul(2 * Math.PI)).min(1)).data();
    for (let call = 0; call < 3; call++) {
      const out = f(x);
      expectClose(await out.data(), expected, 1e-6, 1e-5, `call ${call}`);
      out.dispose();
    }
    expect(f.commandsPerCall).not.toContain('eye');
    f.dispose();
    // Returned, the constant's buffer is the caller's: it runs every call.
    const g = e.compile(() => [e.eye(3), e.fill([2], 7)]);
    for (let call = 0; call < 2; call++) e.dispose(g());
    expect(g.commandsPerCall.filter((k) => k === 'eye' || k === 'fill').length).toBe(2);
    g.dispose();
    x.dispose();
  });

  it('computes eye and fill where they are read, eagerly too (no dispatch of their own), infinite values included', async () => {
    const e = await gpuEngine();
    const cpu = await cpuEngine();
    const values = Array.from({ length: 4 * 3 * 5 }, (_, i) => Math.sin(i * 0.7));
    const x = e.tensor(values, [4, 3, 5]);
    const xc = cpu.tensor(values, [4, 3, 5]);
    // A batched rectangular eye and fills, one infinite (WGSL has no literal for it), and a clip
    // with an infinite bound.
    const f = (en: Engine, t: Tensor): Tensor =>
      t.mul(en.eye(3, 5, [4]).mul(3)).add(en.fill([4, 3, 5], 0.25)).minimum(en.fill([5], Infinity)).clip(-Infinity, 1.5).sum(2);
    const expected = await f(cpu, xc).data();
    await compare(e, (t) => f(e, t), [x]);
    const perStep: number[] = [];
    for (let step = 0; step < 4; step++) {
      const before = e.stats().dispatches;
      const out = e.tidy(() => f(e, x));
      expectClose(await out.data(), expected, 1e-6, 1e-5, `step ${step}`);
      out.dispose();
      perStep.push(e.stats().dispatches - before);
    }
    // Lazy execution fuses a loop's body from its second step on: one reduction with its prologue.
    expect(perStep.at(-1)).toBe(1);
    x.dispose();
    xc.dispose();
  });

  it('does not fuse an in-place update that reads other elements, nor across a write of its inputs', async () => {
    const e = await gpuEngine();
    const v = e.variable([1, 2, 3, 4, 5], [5]);
    const u = e.variable([1, 2, 3, 4, 5], [5]);
    // v ← reverse(v) · 2: each element reads another one, which an in-place kernel would clobber.
    const f = e.compile(() => {
      v.assign(v.reverse(0).mul(2));
      return v.sum();
    });
    f().dispose();
    expect(Array.from(await v.data())).toEqual([10, 8, 6, 4, 2]);
    f().dispose();
    expect(Array.from(await v.data())).toEqual([4, 8, 12, 16, 20]);
    // The reversed read keeps its own kernel: the update lands through a separate copy.
    expect(f.commandsPerCall).toContain('copy');
    // x = 2u is computed before u changes; fusing it into its use after the assign would read the new u.
    const g = e.compile(() => {
      const x = u.mul(2);
      u.assign(u.add(100));
      return x.add(1);
    });
    const out = g();
    expect(Array.from(await out.data())).toEqual([3, 5, 7, 9, 11]);
    e.dispose([out, v, u]);
    f.dispose();
    g.dispose();
  });
});
