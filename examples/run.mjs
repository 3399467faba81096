#!/usr/bin/env node
// `npm run example -- <name> [args]`: bundles examples/<name>.ts with esbuild (the same options
// as the library's Node bundle) into dist/examples/<name>.js and runs it with node, passing the
// arguments on. The exit status is the example's.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { common } from '../esbuild.config.mjs';

const examplesDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(examplesDir);

/** The example names: examples/*.ts without the extension. */
export function exampleNames() {
  return readdirSync(examplesDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

/** Bundles one example; returns the path of the bundle. */
export async function buildExample(name) {
  const outfile = path.join(root, 'dist', 'examples', `${name}.js`);
  await esbuild.build({
    ...common,
    entryPoints: [path.join(examplesDir, `${name}.ts`)],
    outfile,
    platform: 'node',
    external: ['webgpu'],
  });
  return outfile;
}

async function main() {
  const [name, ...args] = process.argv.slice(2);
  const names = exampleNames();
  if (!name || !names.includes(name)) {
    console.error(`${name ? `no example '${name}'. ` : ''}usage: npm run example -- <name> [args]; the examples are ${names.join(', ')}`);
    return 2;
  }
  const bundle = await buildExample(name);
  // Run from the repository root: the examples read assets/ and node_modules/ from there.
  const run = spawnSync(process.execPath, [bundle, ...args], { stdio: 'inherit', cwd: root });
  return run.status ?? 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
