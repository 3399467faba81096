// Runs before every test file: the library's Node entry, which installs Dawn as the GPU (src/node.ts).
import '../../src/node.js';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Kernel autotuning: tests run the heuristic choices unless they ask for tuning, and a test that
// tunes writes its table to a temporary file, never to the user's cache directory.
process.env.WEBGPU_DESCENT_AUTOTUNE ??= 'off';
process.env.WEBGPU_DESCENT_TUNING_CACHE ??= path.join(tmpdir(), `webgpu-descent-tests-${process.pid}`, 'tuning.json');
