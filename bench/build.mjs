// Bundles the benchmark (bench/main.ts) for Node into dist/bench/main.mjs; bench/run.mjs runs it.
// A separate script from esbuild.config.mjs on purpose: the library's bundles must not change
// when the benchmark does. As there, shaders load through the plugin of
// scripts/wgsl/shader_modules.mjs and Dawn (`webgpu`) stays external (a native module).
//
// TensorFlow.js is bundled from its ES module builds (the packages' "module" entries), so that one
// copy of tfjs-core serves both backends and `@tensorflow/tfjs-core/dist/register_all_gradients`
// (which the CommonJS build of tfjs-core lacks, and which tf.grad needs) registers into that copy.
// The WASM backend's Emscripten loader is CommonJS code that calls require() and reads __dirname:
// the banner gives the ES module bundle both.
import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { esbuildWgslPlugin } from '../scripts/wgsl/shader_modules.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/** Resolves bare `@tensorflow/<package>` imports to the package's ES module entry. */
const tfjsModules = {
  name: 'tfjs-es-modules',
  setup(build) {
    build.onResolve({ filter: /^@tensorflow\/tfjs-[a-z-]+$/ }, (args) => {
      const manifest = require.resolve(`${args.path}/package.json`, { paths: [root] });
      const entry = require(manifest).module;
      if (!entry) return undefined;
      return { path: path.join(path.dirname(manifest), entry) };
    });
  },
};

await esbuild.build({
  absWorkingDir: root,
  entryPoints: { main: 'bench/main.ts' },
  outdir: 'dist/bench',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'es2022',
  sourcemap: true,
  external: ['webgpu'],
  plugins: [esbuildWgslPlugin, tfjsModules],
  banner: {
    js: [
      "import { createRequire as __benchCreateRequire } from 'node:module';",
      "import { fileURLToPath as __benchFileUrlToPath } from 'node:url';",
      'const require = __benchCreateRequire(import.meta.url);',
      'const __filename = __benchFileUrlToPath(import.meta.url);',
      "const __dirname = __benchFileUrlToPath(new URL('.', import.meta.url));",
    ].join(' '),
  },
  logLevel: 'warning',
  // src/backend/webgpu/node/dawn.ts imports 'webgpu' through a variable on purpose (see esbuild.config.mjs);
  // tfjs's Emscripten loader has a require() esbuild cannot follow (the worker path): both expected.
  logOverride: { 'unsupported-dynamic-import': 'silent', 'unsupported-require-call': 'silent' },
});
