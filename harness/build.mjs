// Bundles the browser tests into harness/out/tests.js. The tests import the library from
// src/index.ts (for its types); here that import becomes the built browser bundle, loaded by URL
// as a user's page would, so the harness tests what `npm run build` ships.
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const harnessDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(harnessDir);
const libraryEntry = path.join(root, 'src', 'index.ts');
const srcDir = path.join(root, 'src') + path.sep;

/** URL of the library bundle on the harness server. */
export const libraryUrl = '/dist/browser/webgpu-descent.js';

/** Maps src/index to the shipped bundle; any other import from src/ would be a second copy. */
const useBuiltLibrary = {
  name: 'use-built-library',
  setup(build) {
    build.onResolve({ filter: /\/src\// }, (args) => {
      const target = path.resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts');
      if (target === libraryEntry) return { path: libraryUrl, external: true };
      if (target.startsWith(srcDir)) {
        return { errors: [{ text: `${args.importer} imports ${args.path}: browser tests may import the library only from src/index.js` }] };
      }
      return undefined;
    });
  },
};

/** Bundles harness/main.ts with every harness/tests/*.browser.ts; returns the test file names. */
export async function buildHarness() {
  const testFiles = readdirSync(path.join(harnessDir, 'tests'))
    .filter((f) => f.endsWith('.browser.ts'))
    .sort();
  // Test files register their tests when imported; main.ts then runs them in this order.
  const entry = [...testFiles.map((f) => `import './tests/${f}';`), `import './main.ts';`].join('\n');
  await esbuild.build({
    stdin: { contents: entry, resolveDir: harnessDir, sourcefile: 'harness-entry.ts', loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    outfile: path.join(harnessDir, 'out', 'tests.js'),
    plugins: [useBuiltLibrary],
    logLevel: 'warning',
  });
  return testFiles;
}
