// Bundles the browser tests into harness/out/tests.js and the demo pages' scripts into
// harness/out/demos/. Both import the library from src/index.ts (for its types); here that import
// becomes the built browser bundle, loaded by URL as a user's page would, so the harness tests
// what `npm run build` ships. The benchmark page (harness/out/bench.js) is the exception: the
// cases of bench/cases reach into the library's modules (the conv gradient primitives, the
// workloads), so it bundles the library from source, once, with TensorFlow.js.
import * as esbuild from 'esbuild';
import { common } from '../esbuild.config.mjs';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const harnessDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(harnessDir);
const libraryEntry = path.join(root, 'src', 'index.ts');
const srcDir = path.join(root, 'src') + path.sep;

/** URL of the library bundle on the harness server. */
export const libraryUrl = '/dist/browser/webgpu-descent.js';

/**
 * Folders of src/ whose modules are plain functions with no engine inside (data generators, the
 * report's scales): the demos may bundle them. Anything else would be a second copy of the library.
 */
const pureDirs = ['workloads/data', 'report'].map((d) => path.join(srcDir, d) + path.sep);

/** Maps src/index to the shipped bundle; any other import from src/ would be a second copy. */
const useBuiltLibrary = {
  name: 'use-built-library',
  setup(build) {
    build.onResolve({ filter: /\/src\// }, (args) => {
      const target = path.resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts');
      if (target === libraryEntry) return { path: libraryUrl, external: true };
      if (pureDirs.some((d) => target.startsWith(d)) && args.importer.includes(`${path.sep}demos${path.sep}`)) return { path: target };
      if (target.startsWith(srcDir)) {
        return { errors: [{ text: `${args.importer} imports ${args.path}: browser pages may import the library only from src/index.js` }] };
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

/** The demo pages: harness/demos/*.ts (not lib/) bundled into harness/out/demos/; returns their names. */
export async function buildDemos() {
  const demoDir = path.join(harnessDir, 'demos');
  const names = readdirSync(demoDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
  await esbuild.build({
    entryPoints: names.map((n) => path.join(demoDir, `${n}.ts`)),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    outdir: path.join(harnessDir, 'out', 'demos'),
    plugins: [useBuiltLibrary],
    logLevel: 'warning',
  });
  return names;
}

/**
 * What bench modules import for Node only, which the page never calls: Node built-ins (Node's
 * TensorFlow.js loader in bench/tfjs/load.ts; the page loads tfjs with harness/bench/tfjs.ts)
 * become empty stand-ins, and the library's Node entry (bench/profile.ts's engine, reached
 * through bench/report.ts) its browser entry.
 */
const nodeStandIns = {
  name: 'node-stand-ins',
  setup(build) {
    build.onResolve({ filter: /\/src\/node\.js$/ }, () => ({ path: libraryEntry }));
    build.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'node-stand-in' }));
    build.onLoad({ filter: /.*/, namespace: 'node-stand-in' }, (args) => ({
      contents: `const unavailable = () => { throw new Error('${'$'}{args.path} is not available in a browser'); };\nexport const createRequire = unavailable;\nexport default { join: unavailable, dirname: unavailable, sep: '/' };`,
      loader: 'js',
    }));
  },
};

/** The benchmark page's script: harness/bench/page.ts with the library, the cases and tfjs. */
export async function buildBenchPage() {
  await esbuild.build({
    ...common,
    entryPoints: [path.join(harnessDir, 'bench', 'page.ts')],
    outfile: path.join(harnessDir, 'out', 'bench.js'),
    platform: 'browser',
    plugins: [...common.plugins, nodeStandIns],
  });
}
