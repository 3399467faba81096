// `npm run train:mnist`: bundles src/workloads/attack/train_cli.ts with esbuild (shaders as text,
// Dawn's `webgpu` package left external, as esbuild.config.mjs does for dist/node) into
// dist/scripts/train_mnist.js and runs it with the arguments given: npm run train:mnist -- --epochs 3
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = 'dist/scripts/train_mnist.js';
await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['src/workloads/attack/train_cli.ts'],
  outfile: out,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'es2022',
  loader: { '.wgsl': 'text' },
  external: ['webgpu'],
  logLevel: 'warning',
  logOverride: { 'unsupported-dynamic-import': 'silent' },
});
const run = spawnSync(process.execPath, [out, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
