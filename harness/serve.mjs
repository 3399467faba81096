#!/usr/bin/env node
// `npm run demos`: builds the library bundle (when stale), the demo pages and the browser tests,
// and serves them on http://127.0.0.1:PORT (default 8080, or PORT=...) until interrupted. Open
// /demos/ in a browser with WebGPU (Chrome or Edge; on Linux start Chromium with
// --enable-unsafe-webgpu). / runs the browser test suite; /bench.html benchmarks this GPU against
// TensorFlow.js (the cases of `npm run bench`).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAll } from '../esbuild.config.mjs';
import { buildBenchPage, buildDemos, buildHarness } from './build.mjs';
import { isStale } from './stale.mjs';
import { harnessMounts, startServer } from './server.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const libraryBundle = path.join(root, 'dist', 'browser', 'webgpu-descent.js');

if (isStale(libraryBundle, [path.join(root, 'src'), path.join(root, 'shaders')])) await buildAll();
const demos = await buildDemos();
await buildHarness();
await buildBenchPage();
const server = await startServer(harnessMounts(root), Number(process.env.PORT ?? 8080));
console.log(`serving the demos on ${server.url}/demos/ (${demos.join(', ')}), the benchmark on ${server.url}/bench.html and the browser tests on ${server.url}/`);
console.log('Ctrl-C stops the server');
