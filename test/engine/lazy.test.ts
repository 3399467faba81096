import { describe, expect, it } from 'vitest';
import { createEngine, type Engine, type Tensor } from '../../src/node.js';
import type { WebGpuBackend } from '../../src/backend/webgpu/webgpu_backend.js';
import { maxPendingNodes } from '../../src/backend/webgpu/graph/lazy_executor.js';
import { cpuEngine, gpuEngine } from '../helpers/engines.js';
import { closeness } from '../helpers/allclose.js';

/**
 * Lazy execution (DESIGN.md, "One execution path"): ops record a pending graph that runs at a
 * boundary, as a plan cached by the graph's structure.
 */

async function bits(t: Tensor): Promise<number[]> {
  return Array.from(new Uint32Array((await t.data()).buffer));
}

/** One SGD step of a small least-squares fit, written eagerly; returns the loss. */
function sgdStep(e: Engine, w: Tensor & { assign(v: Tensor): unknown }, x: Tensor, y: Tensor): Tensor {
  const { value, grads } = e.valueAndGrad(() => x.mul(w).sub(y).square().mean(), [w]);
  w.assign(w.sub(grads[0]!.mul(0.1)));
  return value;
}

describe('lazy execution', () => {
  it('records ops without dispatching, and runs them at a read, a flush or the end of a tidy', async () => {
    const e = await gpuEngine();
    const x = e.tensor([1, 2, 3, 4]);
    await e.flush();
    const s0 = e.stats();
    const y = x.exp().mul(x).add(1);
    const s1 = e.stats();
    expect(s1.nodes - s0.nodes).toBe(3);
    expect(s1.pendingNodes).toBe(3);
    expect(s1.dispatches - s0.dispatches).toBe(0);
    const v = await y.data();
    [1, 2, 3, 4].forEach((x0, i) => expect(v[i]).toBeCloseTo(Math.exp(x0) * x0 + 1, 4));
    const s2 = e.stats();
    expect(s2.pendingNodes).toBe(0);
    expect(s2.dispatches - s1.dispatches).toBeGreaterThan(0);
    // The end of the outermost tidy is a boundary.
    const z = e.tidy(() => y.sqrt().neg());
    expect(e.stats().pendingNodes).toBe(0);
    const w = y.abs();
    expect(e.stats().pendingNodes).toBe(1);
    await e.flush();
    expect(e.stats().pendingNodes).toBe(0);
    e.dispose([x, y, z, w]);
  });

  it('plans a loop once: later iterations hit the plan cache and make no pipelines, buffers or bind groups', async () => {
    const e = await gpuEngine();
    const x = e.tensor([0.1, -0.7, 1.3, 2.1, -1.9]);
    const y = e.tensor([0.3, -0.2, 0.5, 0.9, -0.8]);
    const w = e.variable([0.5, -0.5, 0.25, 1, 0]);
    // The first iteration of a new structure runs unfused, the second compiles the fused plan;
    // the pool takes a few more to hand back the same buffers (and so the same bind groups).
    for (let i = 0; i < 10; i++) e.tidy(() => sgdStep(e, w, x, y)).dispose();
    await e.flush();
    const s0 = e.stats();
    const m0 = e.memory();
    for (let i = 0; i < 20; i++) e.tidy(() => sgdStep(e, w, x, y)).dispose();
    await e.flush();
    const s1 = e.stats();
    expect(s1.plansCompiled - s0.plansCompiled).toBe(0);
    expect(s1.planCacheHits - s0.planCacheHits).toBeGreaterThanOrEqual(20);
    expect(s1.pipelineCompilations - s0.pipelineCompilations).toBe(0);
    expect(s1.bufferCreations - s0.bufferCreations).toBe(0);
    expect(s1.bindGroupCreations - s0.bindGroupCreations).toBe(0);
    // No growth (the engine is shared with other tests, whose unreferenced tensors the garbage
    // collector may free meanwhile: the count may fall).
    const m1 = e.memory();
    expect(m1.tensors).toBeLessThanOrEqual(m0.tensors);
    expect(m1.bytes).toBeLessThanOrEqual(m0.bytes);
    // Fused: fewer dispatches than nodes.
    expect(s1.dispatches - s0.dispatches).toBeLessThan((s1.nodes - s0.nodes) / 2);
    e.dispose([x, y, w]);
  });

  it('gives intermediates disposed before the boundary no memory of their own', async () => {
    const e = await gpuEngine();
    const x = e.tensor(Array.from({ length: 5000 }, (_, i) => i / 5000));
    await e.flush();
    const before = e.stats().bufferCreations;
    // A chain of 200 elementwise ops: one output buffer, the rest fused or in the plan's arena.
    const y = e.tidy(() => {
      let t = x;
      for (let i = 0; i < 200; i++) t = t.mul(1.001).add(0.0001);
      return t;
    });
    const v = await y.data();
    expect(e.stats().bufferCreations - before).toBeLessThan(10);
    expect(v[4999]).toBeCloseTo((4999 / 5000) * 1.001 ** 200 + 0.0001 * ((1.001 ** 200 - 1) / 0.001), 2);
    e.dispose([x, y]);
  });

  it('runs what is pending before an upload into a buffer the graph reads', async () => {
    const e = await gpuEngine();
    const x = e.tensor([1, 2, 3]);
    const doubled = x.mul(2);
    expect(e.stats().pendingNodes).toBeGreaterThan(0);
    // An upload into x's own buffer (what Variable.assign of host values and optimizer state do
    // through fresh or arena buffers): the pending read of x must see the old values.
    e.backend.upload(x.storage.buffer, [10, 20, 30]);
    expect(Array.from(await doubled.data())).toEqual([2, 4, 6]);
    expect(Array.from(await x.data())).toEqual([10, 20, 30]);
    e.dispose([x, doubled]);
  });

  it(`runs a graph that reaches ${maxPendingNodes} nodes without waiting for a boundary`, async () => {
    const e = await gpuEngine();
    let t = e.tensor([1]);
    let most = 0;
    let runs = e.stats().plansCompiled + e.stats().planCacheHits;
    for (let i = 0; i < maxPendingNodes + 10; i++) {
      const next = t.add(1);
      t.dispose();
      t = next;
      most = Math.max(most, e.stats().pendingNodes);
    }
    runs = e.stats().plansCompiled + e.stats().planCacheHits - runs;
    expect(runs).toBe(1);
    expect(most).toBe(maxPendingNodes - 1);
    expect((await t.data())[0]).toBe(maxPendingNodes + 11);
    t.dispose();
  }, 300_000);

  it('expects the plan of the last run: alternating graphs and a graph that changes halfway stay right', async () => {
    const e = await gpuEngine();
    const cpu = await cpuEngine();
    const run = async (eng: Engine): Promise<number[]> => {
      const x = eng.tensor([0.5, -1.5, 2, 3]);
      const out: number[] = [];
      for (let i = 0; i < 8; i++) {
        // A, B, A, B... then a graph like A that differs in its last op.
        const r = eng.tidy(() => (i % 2 === 0 ? x.mul(i).exp().sum() : x.sub(i).square().mean()));
        out.push((await r.data())[0]!);
        r.dispose();
        const changed = eng.tidy(() => x.mul(i).exp().sum(i === 5 ? 0 : undefined));
        out.push(...(await changed.data()));
        changed.dispose();
      }
      x.dispose();
      return out;
    };
    const expected = await run(cpu);
    const actual = await run(e);
    expect(closeness(actual, expected, 1e-4, 1e-5).ok).toBe(true);
  });

  it('stays right when a graph takes fewer or more slots than the plan it was expected to be', async () => {
    // A recording sizes its slot lists for the expected plan (recording.ts): graphs that end
    // short of it, or run past it, must still compile and run on their own slots.
    const e = await gpuEngine();
    const cpu = await cpuEngine();
    const run = async (eng: Engine): Promise<number[]> => {
      const x = eng.tensor([0.25, -0.5, 0.75, 1, -1.25]);
      const out: number[] = [];
      for (const length of [12, 12, 3, 12, 3, 3, 25, 12, 25, 1]) {
        const r = eng.tidy(() => {
          let y = x;
          for (let k = 0; k < length; k++) y = k % 2 === 0 ? y.mul(0.9).add(k) : y.sin();
          return y.sum();
        });
        out.push((await r.data())[0]!);
        r.dispose();
      }
      x.dispose();
      return out;
    };
    const expected = await run(cpu);
    const actual = await run(e);
    expect(closeness(actual, expected, 1e-4, 1e-5).ok).toBe(true);
  });

  it('without fusion gives the bits of one dispatch per op; with fusion, those of e.compile', async () => {
    const first = await gpuEngine();
    const opDispatch = await createEngine({ lazy: false });
    const unfused = await createEngine({ fuse: false });
    try {
      const losses = async (e: Engine, compiled: boolean): Promise<number[][]> => {
        const x = e.tensor([0.1, -0.7, 1.3, 2.1, -1.9]);
        const y = e.tensor([0.3, -0.2, 0.5, 0.9, -0.8]);
        const w = e.variable([0.5, -0.5, 0.25, 1, 0]);
        const step = e.compile(() => sgdStep(e, w, x, y));
        const out: number[][] = [];
        for (let i = 0; i < 5; i++) {
          const loss = compiled ? step() : e.tidy(() => sgdStep(e, w, x, y));
          out.push(await bits(loss));
          loss.dispose();
        }
        out.push(await bits(w));
        step.dispose();
        e.dispose([x, y, w]);
        return out;
      };
      expect(await losses(unfused, false)).toEqual(await losses(opDispatch, false));
      expect(await losses(first, false)).toEqual(await losses(first, true));
    } finally {
      opDispatch.destroy();
      unfused.destroy();
    }
  });

  it('with lazy: false, every op dispatches when it is called', async () => {
    const e = await createEngine({ lazy: false });
    try {
      const x = e.tensor([1, 2, 3]);
      const s0 = e.stats();
      const y = x.exp().mul(2);
      const s1 = e.stats();
      expect(s1.dispatches - s0.dispatches).toBe(2);
      expect(s1.pendingNodes).toBe(0);
      expect(s1.plansCompiled).toBe(0);
      e.dispose([x, y]);
    } finally {
      e.destroy();
    }
  });

  it('throws shape errors at the op, and names the op whose node fails to compile at the boundary', async () => {
    const e = await gpuEngine();
    const a = e.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(() => a.matmul(a)).toThrow(/^matmul: /);
    // A node whose kernel cannot be compiled (a rank past the kernels' 8), recorded directly.
    const backend = e.backend as WebGpuBackend;
    const out = e.allocStorage(6, 'device');
    const nine = [1, 1, 1, 1, 1, 1, 1, 1, 6];
    backend.run('add', [a.storage.buffer as never, a.storage.buffer as never], [out.buffer as never], { outShape: nine, aStrides: nine, bStrides: nine });
    await expect(e.flush()).rejects.toThrow(/^add \(node 1 of 1 of the recorded graph\): tensors of rank 9 exceed the maximum rank 8/);
    // The engine goes on.
    expect(Array.from(await a.neg().data())).toEqual([-1, -2, -3, -4, -5, -6]);
    out.release();
    a.dispose();
  });
});
