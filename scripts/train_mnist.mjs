// `npm run train:mnist`: bundles src/workloads/attack/train_cli.ts with esbuild (the options of
// esbuild.config.mjs, Dawn's `webgpu` package left external as for dist/node) into
// dist/scripts/train_mnist.js and runs it with the arguments given: npm run train:mnist -- --epochs 3
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { common } from '../esbuild.config.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = 'dist/scripts/train_mnist.js';
await esbuild.build({
  ...common,
  entryPoints: ['src/workloads/attack/train_cli.ts'],
  outfile: out,
  platform: 'node',
  sourcemap: false,
  external: ['webgpu'],
});
const run = spawnSync(process.execPath, [out, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
