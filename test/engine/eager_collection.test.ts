// Eager loops of tens of thousands of dispatches on lavapipe: each live bind group costs a memory
// map there, and without the backend's garbage collection before its waits (nodeGarbageCollector
// in src/backend/webgpu/gpu.ts) the article's eager force loss at 20 vectors ran out of maps and
// the process died with SIGSEGV in its third step. A child process, so that a crash fails this
// test rather than the run, and a plain `node`, so that the collector sets --expose-gc itself.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript module without type declarations
import { common } from '../../esbuild.config.mjs';
import { gpuEngine } from '../helpers/engines.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('eager force loss at 20 vectors (WebGPU, child process)', () => {
  it('runs 6 steps, agrees with the captured step, and keeps the memory maps far from the limit', async () => {
    if (!(await gpuEngine())) return;
    const outfile = path.join(root, 'dist', 'test', 'eager_force.js');
    await esbuild.build({
      ...(common as esbuild.BuildOptions),
      entryPoints: [path.join(root, 'test', 'engine', 'processes', 'eager_force.ts')],
      outfile,
      platform: 'node',
      external: ['webgpu'],
    });
    const r = spawnSync(process.execPath, [outfile, '6'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(r.signal, r.stderr).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    const { eager, captured, maps } = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { eager: number[]; captured: number[]; maps: number };
    expect(eager).toHaveLength(6);
    eager.forEach((x, i) => expect(Math.abs(x - captured[i]!)).toBeLessThan(1e-3 * Math.abs(captured[i]!)));
    // 65,530 is the kernel's default limit; the steady state is about 37,000 here.
    expect(maps).toBeLessThan(50_000);
  });
});
