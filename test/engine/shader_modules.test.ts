// Shared WGSL and layouts read at build time (scripts/wgsl/shader_modules.mjs): kernels name the
// pieces they include, the build assembles them and reflects the layout, and the runtime trusts
// that layout. Here: every shader assembles, the include rules hold, and on the GPU every kernel
// a training step compiles (handwritten and generated) has the layout wgsl_reflect reads from its
// full source, with the uniform members the TypeScript side packs.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assembleShader, isPiece, reflectLayout, shaderSource, shadersDir } from '../../scripts/wgsl/shader_modules.mjs';
import { BatchNormalization, Conv2D, Dense, Flatten, MaxPooling2D, Sequential, type Tensor } from '../../src/index.js';
import { PipelineCache } from '../../src/backend/webgpu/device/pipelines.js';
import { shaderOf, type GpuKernel, type ShaderSource } from '../../src/backend/webgpu/dispatch/kernel_spec.js';
import reduceRowsWgsl from '../../shaders/reduce/reduce_rows.wgsl';
import fusedWgsl from '../../shaders/common/fused.wgsl';
import { gpuEngine } from '../helpers/engines.js';

const shaderFiles = readdirSync(shadersDir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.wgsl'))
  .map((f) => path.join(shadersDir, f))
  .sort();

describe('shader modules', () => {
  it('assemble every shader: kernels with a layout, pieces without, parts covering the source in order', () => {
    expect(shaderFiles.length).toBeGreaterThan(80);
    for (const file of shaderFiles) {
      const { source } = shaderSource(file);
      expect(source.layout === null, source.file).toBe(isPiece(file));
      const lines = source.code.split('\n').length - 1;
      let next = 1;
      for (const part of source.parts) {
        expect(part.firstLine, `${source.file}: ${part.file}`).toBe(next);
        next += part.lines;
      }
      expect(next - 1, source.file).toBe(lines);
      expect(source.parts.at(-1)!.file).toBe(source.file);
      expect(new Set(source.parts.map((p) => p.file)).size, `${source.file} includes a piece twice`).toBe(source.parts.length);
    }
  });

  it('load in the tests as the bundles load them', () => {
    expect(reduceRowsWgsl).toEqual(shaderSource(path.join(shadersDir, 'reduce/reduce_rows.wgsl')).source);
    expect(reduceRowsWgsl.parts.map((p) => p.file)).toEqual(['shaders/common/indexing.wgsl', 'shaders/common/binary_ops.wgsl', 'shaders/common/unary_ops.wgsl', 'shaders/reduce/reduce_rows.wgsl']);
  });

  it('give generated reductions, which keep the text of reduce_rows.wgsl without its includes, what it includes', () => {
    const library = new Set(fusedWgsl.parts.map((p) => p.file));
    for (const part of reduceRowsWgsl.parts.slice(0, -1)) expect(library.has(part.file), part.file).toBe(true);
  });

  describe('include rules', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wgsl-includes-'));
    const shaders = path.join(dir, 'shaders');
    const write = (name: string, lines: string[]): string => {
      const file = path.join(shaders, name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, lines.join('\n') + '\n');
      return file;
    };
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    write('common/a.wgsl', ['// a', '//!include common/b.wgsl', 'fn a() {}']);
    write('common/b.wgsl', ['// b', 'fn b() {}']);
    write('family/common/c.wgsl', ['//!include common/b.wgsl', 'fn c() {}']);

    it('puts each piece once, dependencies first, every line in its place', () => {
      const kernel = write('family/k.wgsl', ['// header', '//!include family/common/c.wgsl', '//!include common/a.wgsl', '', 'fn main() {}']);
      const { code, parts } = assembleShader(kernel, shaders);
      expect(parts).toEqual([
        { file: 'shaders/common/b.wgsl', firstLine: 1, lines: 2 },
        { file: 'shaders/family/common/c.wgsl', firstLine: 3, lines: 2 },
        { file: 'shaders/common/a.wgsl', firstLine: 5, lines: 3 },
        { file: 'shaders/family/k.wgsl', firstLine: 8, lines: 5 },
      ]);
      // As shipped: comments removed, every line in its place (compile errors keep their lines).
      expect(code).toBe(['', 'fn b() {}', '', 'fn c() {}', '', '', 'fn a() {}', '', '', '', '', 'fn main() {}', ''].join('\n'));
    });

    it('refuse kernels, missing files, cycles, unknown directives and includes after code, naming the file and line', () => {
      const cases: [string[], RegExp][] = [
        [['//!include family/k2.wgsl'], /shaders\/family\/bad\.wgsl:1: includes 'family\/k2\.wgsl', a kernel/],
        [['// x', '//!include common/none.wgsl'], /shaders\/family\/bad\.wgsl:2: includes 'common\/none\.wgsl', which is not a file/],
        [['//!include ../outside.wgsl'], /bad\.wgsl:1: includes '\.\.\/outside\.wgsl', which is not a file under shaders/],
        [['//! include common/a.wgsl'], /bad\.wgsl:1: unknown directive/],
        [['fn f() {}', '//!include common/a.wgsl'], /bad\.wgsl:2: '\/\/!include common\/a\.wgsl' comes after the first declaration/],
      ];
      write('family/k2.wgsl', ['fn main() {}']);
      write('outside.wgsl', ['fn o() {}']);
      for (const [lines, message] of cases) {
        const file = write('family/bad.wgsl', lines);
        expect(() => assembleShader(file, shaders)).toThrow(message);
      }
      write('common/loop_a.wgsl', ['//!include common/loop_b.wgsl']);
      write('common/loop_b.wgsl', ['//!include common/loop_a.wgsl']);
      const looping = write('family/loop.wgsl', ['//!include common/loop_a.wgsl']);
      expect(() => assembleShader(looping, shaders)).toThrow(
        /shaders\/common\/loop_b\.wgsl:1: includes form a cycle: shaders\/family\/loop\.wgsl -> shaders\/common\/loop_a\.wgsl -> shaders\/common\/loop_b\.wgsl -> shaders\/common\/loop_a\.wgsl/,
      );
    });
  });
});

/** What PipelineCache.get was asked to compile. */
interface Compiled {
  kernelId: string;
  shader: ShaderSource;
  prelude: string;
  uniforms: string[];
}

describe('layouts on the GPU', () => {
  it('are what wgsl_reflect reads from each compiled source, with the uniform members TypeScript packs', async () => {
    const e = await gpuEngine();
    const seen = new Map<string, Compiled>();
    const original = PipelineCache.prototype.get;
    PipelineCache.prototype.get = function (this: PipelineCache, kernelId: string, spec: GpuKernel<unknown>, params: unknown) {
      const shader = shaderOf(spec, params);
      const prelude = typeof spec.prelude === 'function' ? spec.prelude(params) : (spec.prelude ?? '');
      seen.set(`${kernelId}\n${shader.file}\n${prelude}`, { kernelId, shader, prelude, uniforms: Object.keys(spec.uniforms(params)) });
      return original.call(this, kernelId, spec, params);
    };
    try {
      const model = new Sequential(
        [
          new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1] }),
          new BatchNormalization(),
          new MaxPooling2D({ poolSize: 2 }),
          new Flatten(),
          new Dense({ units: 3 }),
        ],
        { seed: 2 },
      ).build(undefined, e);
      const x = e.randomNormal([4, 8, 8, 1], { seed: 1 });
      const y = e.tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]]);
      const opt = e.optim.adam({ learningRate: 0.01 });
      const step = e.compile(() => opt.minimize(() => e.softmaxCrossEntropy(model.apply(x, { training: true }), y), model.trainableWeights));
      await step().data();
      // Generated kernels: an elementwise tree, a reduction with a prologue, stacked reductions, a stack.
      const fused = e.compile((t: Tensor) => [t.mul(2).sigmoid(), t.square().sum(1), t.abs().sum(1), e.stack([t.exp(), t.neg()])]);
      const outs = fused(e.tensor([1, -2, 3, -4, 5, -6], [2, 3]));
      await Promise.all(outs.map((o) => o.data()));
      e.dispose([outs, x, y]);
      step.dispose();
      fused.dispose();
      opt.dispose();
      model.dispose();
    } finally {
      PipelineCache.prototype.get = original;
    }
    const kinds = new Set([...seen.values()].map((c) => c.kernelId));
    for (const id of ['conv2d', 'batch_norm_stats_partial', 'max_pool2d', 'softmax_cross_entropy', 'adam', 'fused']) expect(kinds, id).toContain(id);
    for (const { kernelId, shader, prelude, uniforms } of seen.values()) {
      const where = `${kernelId} (${shader.file})`;
      expect(reflectLayout(`${prelude}\n${shader.code}`, shader.file), where).toEqual(shader.layout);
      // Generated kernels write their uniforms by hand (graph/capture_compiler.ts).
      if (kernelId !== 'fused') expect(uniforms.sort(), where).toEqual(Object.keys(shader.layout!.uniform?.fields ?? {}).sort());
    }
    const generated = [...seen.values()].filter((c) => c.kernelId === 'fused');
    expect(generated.length).toBeGreaterThanOrEqual(3);
  });
});
