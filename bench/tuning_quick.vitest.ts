// How long kernel autotuning takes on the MNIST training step (bench/cases/mnist_train.ts, the
// captured step): every kernel shape the step meets is queued at its first dispatch; here the
// reads do not tune (round budget 0) so that one `e.tuning.settle()` times them all and is
// measured alone. Three engines in turn on one cache file: the first time with the default
// candidates, the same step again (everything cached: nothing to time), and a first time with
// every eligible variant timed (TUNE_ALL=1 only: on lavapipe that compiles every GPU variant).
//   source scripts/vulkan_env.sh; QUICK_BENCH=1 npx vitest run bench/tuning_quick.vitest.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it } from 'vitest';
import { Engine } from '../src/node.js';
import { WebGpuBackend } from '../src/backend/webgpu/webgpu_backend.js';
import { getGpu, requestAdapter, requestDevice } from '../src/backend/webgpu/device/gpu.js';
import { hostPlatform } from '../src/backend/webgpu/host_platform.js';
import { fileTuningStore } from '../src/backend/webgpu/node/tuning_cache.js';
import { adapterKey } from '../src/backend/webgpu/tuning/table.js';
import { mnistTrainCases } from './cases/mnist_train.js';

async function engine(cache: string, all: boolean): Promise<Engine> {
  const adapter = await requestAdapter(await getGpu());
  const device = await requestDevice(adapter);
  const care = await hostPlatform()!.softwareAdapterCare();
  const tuning = { mode: 'on' as const, store: fileTuningStore(cache), roundBudgetMs: 0, softwareCandidates: all ? ('all' as const) : ('rivals' as const) };
  const backend = new WebGpuBackend(device, adapter, { ...care, tuning });
  await backend.tuning.ready;
  return new Engine(backend);
}

/** One training step, then the tuning of what it queued, timed. */
async function tuneStep(cache: string, all: boolean, label: string): Promise<void> {
  const e = await engine(cache, all);
  const side = await mnistTrainCases[0]!.ours(e);
  try {
    const t0 = performance.now();
    await side.work()();
    const step = performance.now() - t0;
    const queued = (e.backend as WebGpuBackend).tuning.queued;
    const t1 = performance.now();
    await e.tuning.settle();
    const tuning = performance.now() - t1;
    const entries = Object.entries(e.tuning.export().adapters[adapterKey(e.adapterInfo)] ?? {});
    console.log(`${label}: first step ${step.toFixed(0)} ms; ${queued} kernel shapes queued, tuned in ${tuning.toFixed(0)} ms; tuningRuns ${e.stats().tuningRuns}`);
    if (all) for (const [key, entry] of entries) console.log(`  ${key}: ${entry.variant}  ${Object.entries(entry.ms).map(([v, ms]) => `${v} ${ms.toPrecision(3)}`).join(', ')}`);
  } finally {
    side.dispose();
    e.destroy();
  }
}

it('times the tuning of the MNIST training step', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tuning-quick-'));
  try {
    const cache = path.join(dir, 'tuning.json');
    await tuneStep(cache, false, 'first time');
    await tuneStep(cache, false, 'cached');
    if (process.env.TUNE_ALL === '1') await tuneStep(path.join(dir, 'all.json'), true, 'first time, every variant timed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 600_000);
