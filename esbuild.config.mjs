// Builds the two bundles that package.json `exports` points at, plus the command-line program:
//   dist/browser/webgpu-descent.js  ESM for browsers (navigator.gpu; Dawn is never referenced)
//   dist/node/index.js              ESM for Node (the `webgpu` package stays an external import)
//   dist/node/cli.js                the command line (`webgpu-descent`, package.json `bin`; `npm start`
//                                   runs its `all` command), sharing a chunk with index.js
// Shaders are imported as modules by the plugin of scripts/wgsl/shader_modules.mjs (assembled with
// the pieces they include, their layouts read at build time), as the vitest plugin does for the
// tests. The browser bundle is minified, with a source map.
// Type declarations come from scripts/build_types.mjs (see `npm run build`).
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { esbuildWgslPlugin } from './scripts/wgsl/shader_modules.mjs';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Options every bundle shares (examples/run.mjs bundles the examples with them too). */
export const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  sourcemap: true,
  plugins: [esbuildWgslPlugin],
  logLevel: 'warning',
  // The Dawn loader in src/backend/webgpu/node/dawn.ts imports 'webgpu' through a variable on purpose, so
  // that no bundler follows it; esbuild's warning about that import is expected.
  logOverride: { 'unsupported-dynamic-import': 'silent' },
};

/** The browser bundle must not mention Dawn or Node built-ins: a browser cannot resolve them. */
const browserOnly = {
  name: 'browser-only',
  setup(build) {
    build.onResolve({ filter: /^(webgpu|node:.*)$/ }, (args) => ({
      errors: [{ text: `${args.path} is imported by ${args.importer}, but the browser bundle cannot contain it` }],
    }));
  },
};

/** The browser bundle's options; it ships minified, with a source map. */
const browserBundle = {
  ...common,
  entryPoints: { 'webgpu-descent': 'src/index.ts' },
  outdir: 'dist/browser',
  platform: 'browser',
  plugins: [...common.plugins, browserOnly],
};

/** Builds every bundle; returns the output files with their sizes. */
export async function buildAll() {
  const browser = esbuild.build({ ...browserBundle, minify: true, metafile: true });
  // The checks read an unminified copy, in memory, where each module's code starts with its path.
  const check = esbuild.build({ ...browserBundle, sourcemap: false, write: false }).then((r) => checkBrowserBundle(r.outputFiles[0].text));
  const node = esbuild.build({
    ...common,
    entryPoints: { index: 'src/node.ts', cli: 'src/cli/main.ts' },
    outdir: 'dist/node',
    platform: 'node',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    external: ['webgpu'],
    metafile: true,
  });
  const results = await Promise.all([browser, node, check]);
  removeStaleChunks(results[1].metafile);
  return results
    .slice(0, 2)
    .flatMap((r) => Object.entries(r.metafile.outputs).filter(([f]) => f.endsWith('.js')).map(([f, o]) => [f, o.bytes]));
}

/** Deletes the chunks of earlier builds from dist/node/chunks (chunk names carry a content hash). */
function removeStaleChunks(metafile) {
  const dir = path.join(root, 'dist', 'node', 'chunks');
  const fresh = new Set(Object.keys(metafile.outputs).map((f) => path.resolve(root, f)));
  for (const f of readdirSync(dir)) if (!fresh.has(path.join(dir, f))) rmSync(path.join(dir, f));
}

/** Code that bundles for the browser but breaks there at run time, with the reason. */
const browserHazards = [
  [/\b__require\(/, "calls require() (esbuild's shim throws in browsers)"],
  [/\bprocess\.env\b/, 'reads process.env, which browsers do not have'],
];

/**
 * Imports of 'webgpu' and node: modules are stopped by `browserOnly`; the variable-name import
 * in node/dawn.ts (Node bundle only) survives as `import(moduleName)` (`typeof process` guards are
 * fine). Anything in `browserHazards` fails the build, naming the source file (esbuild starts
 * each module's code with a `// path` comment in an unminified bundle).
 */
function checkBrowserBundle(text) {
  let source = '?';
  for (const line of text.split('\n')) {
    if (/^\/\/ (src|shaders|node_modules)\//.test(line)) source = line.slice(3);
    for (const [pattern, why] of browserHazards) {
      if (pattern.test(line)) throw new Error(`browser bundle: ${source} ${why}: ${line.trim().slice(0, 120)}`);
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = performance.now();
  try {
    const outputs = await buildAll();
    for (const [file, bytes] of outputs) console.log(`  ${file}  ${(bytes / 1024).toFixed(0)} KiB`);
    console.log(`esbuild: ${outputs.length} bundles in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } catch (err) {
    // esbuild has already printed its errors with their locations.
    if (!err?.errors?.length) console.error(err instanceof Error ? err.message : err);
    console.error('esbuild: the build failed');
    process.exitCode = 1;
  }
}
