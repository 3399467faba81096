/**
 * Runs a script of this folder in a child process: bundled with the library's build options and
 * started with a plain `node` (options in `nodeArgs`, e.g. --expose-gc), so that a crash fails the
 * test that started it rather than the run, and the process's memory is its own to measure.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { expect } from 'vitest';
// @ts-expect-error: a plain JavaScript module without type declarations
import { common } from '../../../esbuild.config.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Bundles test/engine/processes/<name>.ts, runs it with `args`, and returns its last JSON line. */
export async function runProcess<T>(name: string, args: string[], options: { nodeArgs?: string[]; timeoutMs?: number } = {}): Promise<T> {
  const outfile = path.join(root, 'dist', 'test', `${name}.js`);
  await esbuild.build({
    ...(common as esbuild.BuildOptions),
    entryPoints: [path.join(root, 'test', 'engine', 'processes', `${name}.ts`)],
    outfile,
    platform: 'node',
    external: ['webgpu'],
  });
  const r = spawnSync(process.execPath, [...(options.nodeArgs ?? []), outfile, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
  });
  expect(r.signal, r.stderr).toBeNull();
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as T;
}
