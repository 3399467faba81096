import { describe, expect, it } from 'vitest';
import { gpuEngine } from '../helpers/engines.js';

// The WebGPU executor records dispatches and submits lazily (DESIGN.md, "Recording, not submitting").
describe('WebGPU recording', () => {
  it('records ops without submitting or reading back until a read', async () => {
    const e = await gpuEngine();
    await e.flush();
    const x = e.tensor([1, 2, 3, 4], [2, 2]);
    const s0 = e.stats();
    // tidy: leaked intermediates would return their buffers to the pool whenever the garbage
    // collector finalizes them, and the next test's steps would then get other buffers (and
    // bind groups) than the step before.
    const y = e.tidy(() => x.exp().mul(x).add(1).sum());
    const s1 = e.stats();
    expect(s1.dispatches - s0.dispatches).toBe(4);
    expect(s1.submits - s0.submits).toBe(0);
    expect(s1.readbacks - s0.readbacks).toBe(0);
    await y.data();
    const s2 = e.stats();
    expect(s2.submits - s1.submits).toBe(1);
    expect(s2.readbacks - s1.readbacks).toBe(1);
    e.dispose([x, y]);
  });

  it('caches pipelines, bind groups and buffers across identical steps', async () => {
    const e = await gpuEngine();
    const x = e.tensor([1, 2, 3, 4, 5], [5]);
    const step = async (): Promise<void> => {
      const y = e.tidy(() => x.sin().mul(x).sum());
      await y.data();
      y.dispose();
    };
    // Lazy execution: the first step runs unfused, the second compiles the fused plan.
    for (let i = 0; i < 4; i++) await step();
    const before = e.stats();
    await step();
    const after = e.stats();
    expect(after.pipelineCompilations - before.pipelineCompilations).toBe(0);
    expect(after.bindGroupCreations - before.bindGroupCreations).toBe(0);
    expect(after.bufferCreations - before.bufferCreations).toBe(0);
    x.dispose();
  });

  it('reports which adapter runs the kernels', async () => {
    const e = await gpuEngine();
    expect(e.adapterInfo.backend).toBe('webgpu');
    expect(typeof e.adapterInfo.description).toBe('string');
    expect(typeof e.adapterInfo.isSoftware).toBe('boolean');
  });
});
