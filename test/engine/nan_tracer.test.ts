// The NaN/Inf tracer (src/debug/nan_tracer.ts): with debugNans on, the first op that makes a NaN
// or an infinity from finite inputs, forward, in a backward rule, or in a compiled step, is
// reported at the next read or flush by name, shapes and the caller's line; with it off, nothing
// extra runs.
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine, type Tensor } from '../../src/index.js';
import { backends } from '../helpers/engines.js';

/** A fresh engine of the backend with the tracer on (the shared engines stay untouched). */
async function traced(make: () => Promise<Engine>): Promise<Engine> {
  const shared = await make();
  const e = await createEngine({ backend: shared.backend.name, debug: { nans: true } });
  expect(e.nanTracer).not.toBeNull();
  return e;
}

/** The message `run` (ops, then a read) rejects with. */
async function failure(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the tracer to report a NaN or an infinity');
}

/** This file, as the reported stacks name it. */
const here = /nan_tracer\.test\.ts:\d+/;

describe.each(backends)('the NaN/Inf tracer (%s)', (_name, make) => {
  it('names a forward op that makes NaN from finite inputs (log of a negative), with its shapes and the calling line', async () => {
    const e = await traced(make);
    const x = e.tensor([[1, -2, 3], [4, 5, 6]]);
    const message = await failure(() => x.exp().log().sub(1).log().mul(2).data());
    expect(message).toMatch(/^log: its output holds NaN or Infinity and its inputs did not/);
    expect(message).toContain('inputs [2,3] and output [2,3]');
    expect(message.split('log was called:')[1]).toMatch(here);
    e.destroy();
  });

  it('names 0/0 (div), reported by flush() as well', async () => {
    const e = await traced(make);
    const a = e.tensor([0, 1, 2]);
    const q = a.mul(a).div(a.mul(3));
    const message = await failure(() => e.flush());
    expect(message).toMatch(/^div: its output holds NaN or Infinity/);
    q.dispose();
    // The window was read: the next read finds nothing new.
    expect(Array.from(await a.add(1).data())).toEqual([1, 2, 3]);
    e.destroy();
  });

  it("names the op of a backward rule that makes one (sqrt's gradient at 0) and the forward op", async () => {
    const e = await traced(make);
    const x = e.tensor([0, 1, 4]);
    const message = await failure(async () => {
      const { value, grads } = e.valueAndGrad(() => x.sqrt().sum(), [x]);
      // The forward pass is finite.
      expect(Array.from(await value.data())).toEqual([3]);
      return grads[0]!.data();
    });
    expect(message).toMatch(/^div in the backward pass of 'sqrt': its output holds NaN or Infinity and its inputs did not/);
    expect(message.split("'sqrt', whose backward rule ran it, was called:")[1]).toMatch(here);
    e.destroy();
  });

  it('names the op in a compiled step, on the replay that makes one', async () => {
    const e = await traced(make);
    const w = e.variable([1, 2, 3]);
    const step = e.compile((a: Tensor) => w.mul(a).div(a.sub(1)).sum());
    const ok = step(e.tensor([2, 3, 4]));
    expect((await ok.data())[0]).toBeCloseTo(2 + 3 + 4, 4);
    // a = 1 divides by 0.
    const bad = step(e.tensor([1, 3, 4]));
    const message = await failure(() => bad.data());
    expect(message).toMatch(/^div: its output holds NaN or Infinity/);
    if (e.backend.name === 'webgpu') expect(message).toContain('in a step compiled with e.compile');
    expect(message).toMatch(here);
    step.dispose();
    e.destroy();
  });

  it('finds the step of a loop that makes one, its plans cached and fused by then (lazy execution)', async () => {
    const e = await traced(make);
    const w = e.variable([2, 1]);
    const found: string[] = [];
    for (let step = 0; step < 5; step++) {
      // The same graph every step: from the third on, log(w) of a variable that went negative.
      const y = e.tidy(() => w.log().mul(w).sum());
      found.push(await y.data().then(() => '', (err: Error) => err.message.split(':')[0]!));
      y.dispose();
      w.assign(e.tidy(() => w.sub(0.6)));
    }
    expect(found).toEqual(['', '', 'log', 'log', 'log']);
    if (e.backend.name === 'webgpu') expect(e.stats().planCacheHits).toBeGreaterThan(0);
    e.destroy();
  });

  it('reports an input that holds one already, made outside the checked ops', async () => {
    const e = await traced(make);
    const message = await failure(() => e.tensor([1, NaN]).mul(2).data());
    expect(message).toMatch(/^mul: its input 0 \(a tensor no checked op made, shape \[2\]\) holds NaN or Infinity/);
    e.destroy();
  });

  it('leaves finite work alone, and gives the same values', async () => {
    const e = await traced(make);
    const plain = await make();
    const f = (en: Engine): Promise<Float32Array> => en.tidy(() => en.tensor([[1, 2], [3, 4]]).matmul(en.tensor([[0.5], [-1]])).relu().add(1)).data();
    expect(Array.from(await f(e))).toEqual(Array.from(await f(plain)));
    await e.flush();
    e.destroy();
  });

  it('costs nothing when off: no extra dispatches or readbacks', async () => {
    const e = await createEngine({ backend: (await make()).backend.name });
    const work = async (): Promise<{ dispatches: number; readbacks: number; submits: number }> => {
      const before = e.stats();
      const y = e.tidy(() => e.tensor([1, 2, 3]).mul(2).exp().sum());
      await y.data();
      y.dispose();
      await e.flush();
      const after = e.stats();
      return { dispatches: after.dispatches - before.dispatches, readbacks: after.readbacks - before.readbacks, submits: after.submits - before.submits };
    };
    // Lazy plans compile fused the second time a graph is seen: warm up first.
    for (let i = 0; i < 3; i++) await work();
    const off = await work();
    e.debugNans(true);
    const on = await work();
    expect(on.dispatches).toBeGreaterThan(off.dispatches);
    expect(on.readbacks).toBeGreaterThan(off.readbacks);
    e.debugNans(false);
    expect(e.nanTracer).toBeNull();
    expect(await work()).toEqual(off);
    e.destroy();
  });

  it('checks its argument', async () => {
    const e = await make();
    expect(() => e.debugNans('yes' as unknown as boolean)).toThrow(/^debugNans: on must be true or false, got "yes" \(a string\)/);
  });
});
