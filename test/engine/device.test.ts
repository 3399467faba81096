import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import { PipelineCache } from '../../src/backend/webgpu/device/pipelines.js';
import { WebGpuBackend } from '../../src/backend/webgpu/webgpu_backend.js';
import { getGpu, requestAdapter, requestDevice } from '../../src/backend/webgpu/device/gpu.js';
import { nodeGarbageCollector } from '../../src/backend/webgpu/node/garbage_collector.js';
import { Engine } from '../../src/engine.js';
import { zeroStats } from '../../src/backend/backend.js';
import { gpuEngine } from '../helpers/engines.js';
import { gpuKernels } from '../../src/backend/webgpu/dispatch/index.js';
import { ownCode, shaderOf, type ShaderSource } from '../../src/backend/webgpu/dispatch/kernel_spec.js';
import indexingWgsl from '../../shaders/common/indexing.wgsl';

const noUniforms = { uniforms: () => ({}), workgroups: () => [1, 1, 1] as const };

describe('WebGPU device and shader errors', () => {
  it('refuses a piece of shared WGSL, which has no entry point, naming its file', async () => {
    const e = await gpuEngine();
    const device = (e.backend as WebGpuBackend).device;
    const cache = new PipelineCache(device, zeroStats(), () => {});
    expect(indexingWgsl.layout).toBeNull();
    expect(() => cache.get('piece', { shader: indexingWgsl, ...noUniforms }, {})).toThrow(/shaders\/common\/indexing\.wgsl: a piece of shared WGSL/);
  });

  it('reports WGSL compile errors with the file and line, in a kernel after its prelude and its includes', async () => {
    const e = await gpuEngine();
    const device = (e.backend as WebGpuBackend).device;
    const errors: Error[] = [];
    const cache = new PipelineCache(device, zeroStats(), (err) => errors.push(err));
    const piece = ['// a piece', 'fn twice(v: f32) -> f32 {', '  return 2u * v;', '}'];
    const kernel = [
      '//!include test/common/twice.wgsl',
      '@group(0) @binding(0) var<storage, read_write> out: array<f32>;',
      '@compute @workgroup_size(1)',
      'fn main() {',
      '  out[0] = twice(1.0) + offset();',
      '}',
    ];
    const shader: ShaderSource = {
      file: 'shaders/test/mistyped.wgsl',
      code: [...piece, ...kernel].join('\n') + '\n',
      parts: [
        { file: 'shaders/test/common/twice.wgsl', firstLine: 1, lines: piece.length },
        { file: 'shaders/test/mistyped.wgsl', firstLine: piece.length + 1, lines: kernel.length },
      ],
      layout: { entryPoint: 'main', storage: ['read_write'], uniform: null },
    };
    const prelude = 'fn offset() -> f32 {\n  return 0.0;\n}';
    // Pipelines compile on first use.
    void cache.get('mistyped', { shader, prelude, ...noUniforms }, {}).pipeline;
    for (let i = 0; i < 50 && errors.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(errors.length).toBeGreaterThan(0);
    // The first error (Tint stops there) is in the piece, 4 lines of prelude further down.
    expect(errors[0]!.message).toMatch(/^WGSL compile error in shaders\/test\/mistyped\.wgsl \(kernel mistyped\):\n  shaders\/test\/common\/twice\.wgsl:3:10: /);
  });

  it('a kernel whose WGSL does not compile fails the read with the compiler message', async () => {
    const e = await gpuEngine();
    const original = gpuKernels.neg;
    const source = shaderOf(original, {} as never);
    const broken = source.code.replace('y[i] = unary_op(x[i], u.alpha, u.beta);', 'y[i] = unary_op(x[i], u.alpha, u.beta) + 1u;');
    expect(broken).not.toBe(source.code);
    const file = 'shaders/test/bad_unary.wgsl';
    const parts = source.parts.map((p) => (p.file === source.file ? { ...p, file } : p));
    // The line in the kernel's own file, past its includes and the generated prelude.
    const line = ownCode(source).split('\n').findIndex((l) => l.includes('{ y[i] = unary_op(')) + 1;
    gpuKernels.neg = { ...original, shader: { ...source, file, code: broken, parts } };
    try {
      const y = e.tensor([1, 2]).neg();
      await expect(y.data()).rejects.toThrow(new RegExp(`WGSL compile error in shaders/test/bad_unary\\.wgsl \\(kernel neg\\):\\n  shaders/test/bad_unary\\.wgsl:${line}:`));
    } finally {
      gpuKernels.neg = original;
    }
    // Reported once: the engine goes on working.
    expect(Array.from(await e.tensor([1, 2]).neg().data())).toEqual([-1, -2]);
  });

  it('reports a lost device on the next use, and a new engine works', async () => {
    await gpuEngine();
    const e = await createEngine({ backend: 'webgpu' });
    const x = e.tensor([1, 2, 3]);
    (e.backend as WebGpuBackend).device.destroy();
    await (e.backend as WebGpuBackend).device.lost;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(() => x.exp()).toThrow(/WebGPU device lost .*Create a new engine/);
    const again = await createEngine({ backend: 'webgpu' });
    expect(Array.from(await again.tensor([1, 2]).add(1).data())).toEqual([2, 3]);
    again.destroy();
  });

  // Dropped bind groups keep their descriptor sets (one memory map each on lavapipe) until V8
  // collects them: see src/backend/webgpu/node/garbage_collector.ts.
  it('collects garbage before a wait on the GPU once 8192 bind groups were made since the last time', async () => {
    await gpuEngine();
    const adapter = await requestAdapter(await getGpu());
    let collections = 0;
    // One dispatch per op (lazy: false), each with its own output buffer and so its own bind group.
    const e = new Engine(new WebGpuBackend(await requestDevice(adapter), adapter, { collectGarbage: () => collections++, lazy: false }));
    try {
      const x = e.tensor([1, 2, 3]);
      // Each output is a new buffer, so each dispatch binds a new group.
      const outputs = Array.from({ length: 100 }, () => x.neg());
      await e.flush();
      expect(collections).toBe(0);
      for (let i = 0; i < 8100; i++) outputs.push(x.neg());
      expect(e.stats().bindGroupCreations).toBeGreaterThanOrEqual(8192);
      expect(collections).toBe(0);
      await outputs.at(-1)!.data();
      expect(collections).toBe(1);
      await e.flush();
      expect(collections).toBe(1);
    } finally {
      e.destroy();
    }
    // In Node the collector works with or without --expose-gc (vitest runs with it).
    const collect = await nodeGarbageCollector();
    expect(collect).not.toBeNull();
    expect(() => collect!()).not.toThrow();
  });

  it('refuses use after destroy()', async () => {
    const e = await createEngine({ backend: 'cpu' });
    const x = e.tensor([1]);
    e.destroy();
    expect(() => x.exp()).toThrow('engine: this engine was destroyed; create a new one with createEngine');
  });
});
