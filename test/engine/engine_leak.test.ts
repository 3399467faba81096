// Engines created and destroyed one after another must not pile up in the process: destroy()
// releases what each engine made (src/backend/webgpu/webgpu_backend.ts). Before it did, Dawn kept
// every destroyed device's error listener, and through it the whole backend (pools, pipelines,
// a 1 MiB uniform ring): 400 engines grew the process by about 500 MiB. A child process, so that
// the memory measured is the engines' alone.
import { describe, expect, it } from 'vitest';
import { gpuEngine } from '../helpers/engines.js';
import { runProcess } from './processes/run_process.js';

describe('engines created and destroyed (WebGPU, child process)', () => {
  it('400 engines grow the process by at most 100 MiB, and each destroyed engine is collected', async () => {
    await gpuEngine();
    const r = await runProcess<{ before: number; after: number; unreclaimed: number; seconds: number }>('engines_leak', ['20', '400', '30'], {
      nodeArgs: ['--expose-gc'],
      timeoutMs: 300_000,
    });
    // Nothing outside an engine (Dawn's device objects, module-level state) holds its backend after destroy().
    expect(r.unreclaimed).toBe(0);
    expect(r.after - r.before).toBeLessThan(100);
  }, 360_000);
});
