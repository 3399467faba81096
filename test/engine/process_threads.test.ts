// The thread-state probe of src/backend/webgpu/node/process_threads.ts, which ends the sleeps of
// software_gpu_wait.ts: a spinning worker thread is seen running, and with it gone the probe
// (which skips its caller, running while it reads) sees none.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { nodeOtherThreadsProbe } from '../../src/backend/webgpu/node/process_threads.js';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(process.platform === 'linux')('the thread-state probe (Linux)', () => {
  it('sees a spinning thread run, and no thread once it is gone', async () => {
    const probe = await nodeOtherThreadsProbe();
    expect(probe).not.toBeNull();
    const worker = new Worker('const { parentPort } = require("node:worker_threads"); parentPort.postMessage("up"); const end = Date.now() + 600; while (Date.now() < end);', { eval: true });
    await new Promise((resolve) => worker.once('message', resolve));
    const whileSpinning: (boolean | null)[] = [];
    for (let i = 0; i < 10; i++) {
      whileSpinning.push(probe!());
      await pause(2);
    }
    await new Promise((resolve) => worker.once('exit', resolve));
    expect(whileSpinning.every((s) => s === true)).toBe(true);
    // Other threads of node (the garbage collector's helpers) may run at some instant: one idle
    // sample in 50 is the claim.
    const afterwards: (boolean | null)[] = [];
    for (let i = 0; i < 50 && !afterwards.includes(false); i++) {
      afterwards.push(probe!());
      await pause(2);
    }
    expect(afterwards).toContain(false);
  });
});
