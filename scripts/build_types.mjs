// The package's type declarations (`npm run build`, after the bundles): tsc -p tsconfig.build.json
// emits dist/types, then each entry's declaration gets a reference to @webgpu/types, a dependency
// of the package, so that a TypeScript project that installs the package knows GPUDevice and the
// other WebGPU types the declarations use without adding anything. (tsc does not keep such a
// reference from the sources in what it emits, and the sources get the types from tsconfig.json.)
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reference = '/// <reference types="@webgpu/types" />';
/** The declarations of the entries package.json points at (src/index.ts; src/node.ts re-exports it). */
const entries = ['dist/types/index.d.ts', 'dist/types/node.d.ts'];

const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) {
  console.error('build_types: tsc -p tsconfig.build.json failed');
  process.exit(tsc.status ?? 1);
}
for (const entry of entries) {
  const file = path.join(root, entry);
  const text = readFileSync(file, 'utf8');
  if (!text.startsWith(reference)) writeFileSync(file, `${reference}\n${text}`);
}
