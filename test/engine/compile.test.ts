import { describe, expect, it } from 'vitest';
import type { Engine, Tensor, Variable } from '../../src/index.js';
import { backends, gpuEngine } from '../helpers/engines.js';
import { settledMemory } from '../helpers/memory.js';

/** One SGD step on a small non-linear least-squares problem; returns the loss. */
function sgdStep(e: Engine, w: Variable, b: Variable, x: Tensor, y: Tensor): Tensor {
  const { value, grads } = e.valueAndGrad(() => x.mul(w).add(b).tanh().sub(y).square().mean(), [w, b]);
  w.assign(w.sub(grads[0]!.mul(0.1)));
  b.assign(b.sub(grads[1]!.mul(0.1)));
  return value;
}

async function bits(t: Tensor): Promise<number[]> {
  return Array.from(new Uint32Array((await t.data()).buffer));
}

describe.each(backends)('e.compile on %s', (_name, make) => {
  it('gives results identical to the eager path, step after step', async () => {
    const e = await make();
    const x = e.tensor([0.1, -0.7, 1.3, 2.1, -1.9], [5]);
    const y = e.tensor([0.3, -0.2, 0.5, 0.9, -0.8], [5]);
    const run = async (compiled: boolean): Promise<{ losses: number[][]; w: number[]; b: number[] }> => {
      const w = e.variable([0.5, -0.5, 0.25, 1, 0], [5]);
      const b = e.variable([0.1], [1]);
      const step = e.compile((xs: Tensor, ys: Tensor) => sgdStep(e, w, b, xs, ys));
      const losses: number[][] = [];
      for (let i = 0; i < 6; i++) {
        const loss = compiled ? step(x, y) : e.tidy(() => sgdStep(e, w, b, x, y));
        losses.push(await bits(loss));
        loss.dispose();
      }
      const out = { losses, w: await bits(w), b: await bits(b) };
      step.dispose();
      e.dispose([w, b]);
      return out;
    };
    const eager = await run(false);
    const compiled = await run(true);
    expect(compiled).toEqual(eager);
    e.dispose([x, y]);
  });

  it('replays with new argument values and makes one capture per shape', async () => {
    const e = await make();
    const f = e.compile((a: Tensor, k: Tensor) => ({ total: a.mul(k).sum(), doubled: [a.mul(2)] }));
    const inputs = [e.tensor([1, 2, 3]), e.tensor([2]), e.tensor([4, 5, 6]), e.tensor([-1]), e.tensor([1, 2]), e.tensor([3])];
    const one = f(inputs[0]!, inputs[1]!);
    const two = f(inputs[2]!, inputs[3]!);
    const three = f(inputs[4]!, inputs[5]!);
    expect(Array.from(await one.total.data())).toEqual([12]);
    expect(Array.from(await two.total.data())).toEqual([-15]);
    expect(Array.from(await two.doubled[0]!.data())).toEqual([8, 10, 12]);
    expect(Array.from(await three.total.data())).toEqual([9]);
    // The first result is a copy: later replays do not change it.
    expect(Array.from(await one.doubled[0]!.data())).toEqual([2, 4, 6]);
    if (e.backend.capture) expect(f.captureCount).toBe(2);
    f.dispose();
    e.dispose([inputs, one, two, three]);
  });

  it('draws fresh random numbers on every call, as eager calls do', async () => {
    const e = await make();
    const f = e.compile(() => e.randomUniform([4]));
    const [ta, tb] = [f(), f()];
    expect(Array.from(await ta.data())).not.toEqual(Array.from(await tb.data()));
    f.dispose();
    e.dispose([ta, tb]);
  });
});

describe('e.compile on WebGPU', () => {
  it('replays without new buffers, readbacks or submits, and frees its buffers on dispose', async () => {
    const e = await gpuEngine();
    await e.flush();
    const before = await settledMemory(e);
    const x = e.tensor([0.1, -0.7, 1.3, 2.1, -1.9], [5]);
    const y = e.tensor([0.3, -0.2, 0.5, 0.9, -0.8], [5]);
    const w = e.variable([0.5, -0.5, 0.25, 1, 0], [5]);
    const b = e.variable([0.1], [1]);
    const step = e.compile((xs: Tensor, ys: Tensor) => sgdStep(e, w, b, xs, ys));
    step(x, y).dispose();
    step(x, y).dispose();
    await e.flush();
    const m0 = await settledMemory(e);
    const s0 = e.stats();
    for (let i = 0; i < 20; i++) step(x, y).dispose();
    const s1 = e.stats();
    expect(s1.bufferCreations - s0.bufferCreations).toBe(0);
    expect(s1.readbacks - s0.readbacks).toBe(0);
    expect(s1.submits - s0.submits).toBe(0);
    expect(s1.pipelineCompilations - s0.pipelineCompilations).toBe(0);
    expect(s1.bindGroupCreations - s0.bindGroupCreations).toBe(0);
    expect(s1.dispatches - s0.dispatches).toBe(20 * step.dispatchesPerCall);
    // A real step: several kernels even after fusion (sums with their epilogues, the updates).
    expect(step.dispatchesPerCall).toBeGreaterThan(3);
    await e.flush();
    expect(e.memory()).toEqual(m0);
    step.dispose();
    e.dispose([x, y, w, b]);
    await e.flush();
    expect(e.memory()).toEqual(before);
  });

  it('traces again when a variable it uses is re-homed', async () => {
    const e = await gpuEngine();
    const w = e.variable([1, 2, 3], [3]);
    const f = e.compile((x: Tensor) => x.mul(w).sum());
    const x = e.tensor([1, 1, 1]);
    expect(Array.from(await f(x).data())).toEqual([6]);
    // A reshape view shares w's storage, so assign copies on write: w gets a new buffer.
    const view = w.reshape([3, 1]);
    w.assign(e.tensor([10, 20, 30]));
    expect(Array.from(await f(x).data())).toEqual([60]);
    expect(f.captureCount).toBe(1);
    f.dispose();
    e.dispose([w, x, view]);
  });

  it('traces again when the first call moved a variable (an optimizer building its arena)', async () => {
    const e = await gpuEngine();
    const run = async (compiled: boolean): Promise<number[]> => {
      const w = e.variable([1, -2, 3], [3]);
      const opt = e.optim.sgd({ learningRate: 0.1 });
      const body = (): Tensor => {
        const { value, grads } = e.valueAndGrad(() => w.square().sum(), [w]);
        opt.applyGradients(grads, [w]);
        return value;
      };
      const step = compiled ? e.compile(body) : (): Tensor => e.tidy(body);
      const losses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const loss = step();
        losses.push((await loss.data())[0]!);
        loss.dispose();
      }
      if (compiled) (step as ReturnType<typeof e.compile>).dispose();
      opt.dispose();
      w.dispose();
      return losses;
    };
    expect(await run(true)).toEqual(await run(false));
  });

  it('refuses readbacks and nesting inside a compiled function', async () => {
    const e = await gpuEngine();
    const reads = e.compile((x: Tensor) => {
      x.data().catch(() => undefined);
      return x;
    });
    expect(() => reads(e.tensor([1]))).toThrow('compile: a compiled function cannot read tensors');
    const inner = e.compile((x: Tensor) => x.add(1));
    const outer = e.compile((x: Tensor) => inner(x));
    expect(() => outer(e.tensor([1]))).toThrow('compile: compiled functions cannot be nested');
    const x = e.tensor([1, 2]);
    expect(() => e.valueAndGrad(() => inner(x).sum(), [x])).toThrow('compile: a compiled function cannot be differentiated');
  });
});
