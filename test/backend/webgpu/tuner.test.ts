// The tuner: a key met in mode 'on' is timed at the next read (every eligible variant, here on
// lavapipe too, or on a software adapter by default the default and its rivals there), the choice
// persists in the cache file, a 'cached' engine uses it without timing, imports change choices and
// lazy plans and captured steps follow them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, Engine } from '../../../src/index.js';
import { WebGpuBackend } from '../../../src/backend/webgpu/webgpu_backend.js';
import { getGpu, requestAdapter, requestDevice } from '../../../src/backend/webgpu/device/gpu.js';
import { hostPlatform } from '../../../src/backend/webgpu/host_platform.js';
import { fileTuningStore } from '../../../src/backend/webgpu/node/tuning_cache.js';
import { matmulVariants } from '../../../src/backend/webgpu/dispatch/matmul.js';
import { adapterKey, type TuningEntry, type TuningTable } from '../../../src/backend/webgpu/tuning/table.js';
import type { TunerOptions } from '../../../src/backend/webgpu/tuning/tuner.js';
import { cpuEngine, gpuEngine } from '../../helpers/engines.js';
import { expectClose } from '../../helpers/allclose.js';
import { input } from './variant_check.js';

const dir = mkdtempSync(path.join(tmpdir(), 'webgpu-descent-tuner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshCache = (): string => path.join(dir, `tuning-${++files}.json`);

/** An engine whose tuner times every eligible variant, lavapipe or not. */
async function tuningEngine(cache: string, options: Partial<TunerOptions> = {}): Promise<Engine> {
  const adapter = await requestAdapter(await getGpu());
  const device = await requestDevice(adapter);
  const care = await hostPlatform()!.softwareAdapterCare();
  const backend = new WebGpuBackend(device, adapter, { ...care, tuning: { mode: 'on', store: fileTuningStore(cache), softwareCandidates: 'all', ...options } });
  await backend.tuning.ready;
  return new Engine(backend);
}

const product = { batch: 1, m: 20, n: 40, k: 36, transA: false, transB: false, aBatchStride: 0, bBatchStride: 0 };
const productKey = `matmul|${matmulVariants.shapeClass(product)}`;
const squareProduct = { ...product, m: 256, n: 256, k: 256 };
const squareKey = `matmul|${matmulVariants.shapeClass(squareProduct)}`;

/** A tuning engine (rivals on software adapters) whose cache file holds `entries` for this adapter. */
async function engineWithStoredEntries(entries: Record<string, TuningEntry>): Promise<{ e: Engine; adapter: string }> {
  const cache = freshCache();
  const adapter = adapterKey((await gpuEngine()).adapterInfo);
  const stored: TuningTable = { format: 'webgpu-descent-tuning', version: 1, adapters: { [adapter]: entries } };
  writeFileSync(cache, JSON.stringify(stored));
  return { e: await tuningEngine(cache, { softwareCandidates: 'rivals' }), adapter };
}

describe('the tuner', () => {
  it('times a new key at the next read, keeps one variant, persists it; a cached engine uses it untimed', async () => {
    await gpuEngine();
    const cache = freshCache();
    // A budget no compilation exceeds: every eligible variant is timed.
    const e = await tuningEngine(cache, { keyBudgetMs: 60_000 });
    try {
      const c = input(e, [20, 36], 1).matmul(input(e, [36, 40], 2));
      await c.data();
      expect(e.stats().tuningRuns).toBe(1);
      const table = e.tuning.export();
      const entry = table.adapters[adapterKey(e.adapterInfo)]![productKey]!;
      expect(Object.keys(entry.ms).sort()).toEqual(['lavapipe', 'subgroup_32x32', 'subgroup_32x64', 'subgroup_64x64', 'tiles_128x64', 'tiles_64x64', 'vec4_128x128', 'vec4_32x32', 'vec4_64x64']);
      expect(e.tuning.variants('matmul')).toContain(entry.variant);
      // The same shape again: nothing more to time.
      await input(e, [20, 36], 3).matmul(input(e, [36, 40], 4)).data();
      expect(e.stats().tuningRuns).toBe(1);
      await e.tuning.settle();
      const saved = JSON.parse(readFileSync(cache, 'utf8')) as TuningTable;
      expect(saved.adapters[adapterKey(e.adapterInfo)]![productKey]).toEqual(entry);

      const cached = await createEngine({ autotune: 'cached', tuningCache: cache });
      try {
        expect(cached.tuning.export().adapters[adapterKey(cached.adapterInfo)]![productKey]).toEqual(entry);
        cached.tuning.used(true);
        await input(cached, [20, 36], 1).matmul(input(cached, [36, 40], 2)).data();
        expect(cached.tuning.used().matmul).toEqual({ [entry.variant]: 1 });
        await cached.tuning.settle();
        expect(cached.stats().tuningRuns).toBe(0);
      } finally {
        cached.destroy();
      }
    } finally {
      e.destroy();
    }
  });

  it("on a software adapter with softwareCandidates 'default', times nothing and writes nothing down", async () => {
    await gpuEngine();
    const e = await tuningEngine(freshCache(), { softwareCandidates: 'default' });
    try {
      await input(e, [20, 36], 1).matmul(input(e, [36, 40], 2)).data();
      await e.tuning.settle();
      expect(e.stats().tuningRuns).toBe(0);
      expect(e.tuning.used().matmul).toEqual({ lavapipe: 1 });
      // Untimed, the key is left out of the table: a later engine with more candidates times it.
      expect(e.tuning.export().adapters[adapterKey(e.adapterInfo)]?.[productKey]).toBeUndefined();
    } finally {
      e.destroy();
    }
  });

  it('on a software adapter by default, times the default against its rivals there, and only kernels that take long enough', async () => {
    await gpuEngine();
    // undefined replaces tuningEngine's 'all': the tuner's own default applies.
    const e = await tuningEngine(freshCache(), { softwareCandidates: undefined });
    try {
      // A product of some milliseconds on lavapipe: the default and the subgroup variants are timed.
      await input(e, [256, 256], 1).matmul(input(e, [256, 256], 2)).data();
      // A product of microseconds: the default alone, timed once and kept.
      await input(e, [20, 36], 1).matmul(input(e, [36, 40], 2)).data();
      await e.tuning.settle();
      const table = e.tuning.export().adapters[adapterKey(e.adapterInfo)]!;
      const big = table[squareKey]!;
      const rivals = matmulVariants.variants.filter((v) => v.software).map((v) => v.name);
      expect(rivals).toEqual(['subgroup_32x32', 'subgroup_32x64', 'subgroup_64x64']);
      expect(Object.keys(big.ms).sort()).toEqual(e.tuning.subgroups ? ['lavapipe', ...rivals] : ['lavapipe']);
      expect(Object.keys(table[productKey]!.ms)).toEqual(['lavapipe']);
      expect(table[productKey]!.variant).toBe('lavapipe');
    } finally {
      e.destroy();
    }
  });

  it('drops the untimed default choices an earlier version stored, and keeps untimed choices of other variants', async () => {
    const { e, adapter } = await engineWithStoredEntries({ [squareKey]: { variant: 'lavapipe', ms: {} }, [productKey]: { variant: 'tiles_64x64', ms: {} } });
    try {
      expect(e.tuning.export().adapters[adapter]).toEqual({ [productKey]: { variant: 'tiles_64x64', ms: {} } });
      await input(e, [256, 256], 1).matmul(input(e, [256, 256], 2)).data();
      await e.tuning.settle();
      expect(Object.keys(e.tuning.export().adapters[adapter]![squareKey]!.ms)).toContain('lavapipe');
    } finally {
      e.destroy();
    }
  });

  it('times again, once, a stored entry that lacks a rival of today; a default too short to time stays', async () => {
    const stale = { variant: 'lavapipe', ms: { lavapipe: 5, subgroup_32x32: 9 } };
    const short = { variant: 'lavapipe', ms: { lavapipe: 0.1 } };
    const { e, adapter } = await engineWithStoredEntries({ [squareKey]: stale, [productKey]: short });
    try {
      await input(e, [256, 256], 1).matmul(input(e, [256, 256], 2)).data();
      await input(e, [20, 36], 1).matmul(input(e, [36, 40], 2)).data();
      await e.tuning.settle();
      const table = e.tuning.export().adapters[adapter]!;
      expect(table[productKey]).toEqual(short);
      if (e.tuning.subgroups) {
        expect(Object.keys(table[squareKey]!.ms).sort()).toEqual(['lavapipe', 'subgroup_32x32', 'subgroup_32x64', 'subgroup_64x64']);
        const runs = e.stats().tuningRuns;
        // Once a session: the same shape again times nothing.
        await input(e, [256, 256], 3).matmul(input(e, [256, 256], 4)).data();
        await e.tuning.settle();
        expect(e.stats().tuningRuns).toBe(runs);
      } else expect(table[squareKey]).toEqual(stale);
    } finally {
      e.destroy();
    }
  });

  it('with no budget, keeps the heuristic after timing it alone', async () => {
    await gpuEngine();
    const e = await tuningEngine(freshCache(), { keyBudgetMs: 0 });
    try {
      await input(e, [20, 36], 1).matmul(input(e, [36, 40], 2)).data();
      const entry = e.tuning.export().adapters[adapterKey(e.adapterInfo)]![productKey]!;
      expect(entry.variant).toBe('lavapipe');
      expect(Object.keys(entry.ms)).toEqual(['lavapipe']);
      expect(e.stats().tuningRuns).toBe(0);
    } finally {
      e.destroy();
    }
  });

  it('imports choices: lazy plans and captured steps follow them, results unchanged', async () => {
    await gpuEngine();
    const e = await createEngine({ autotune: 'cached', tuningCache: freshCache() });
    const cpu = await cpuEngine();
    try {
      const a = input(e, [20, 36], 1);
      const b = input(e, [36, 40], 2);
      const step = e.compile((x, y) => x.matmul(y).relu());
      const want = await cpu.tidy(() => input(cpu, [20, 36], 1).matmul(input(cpu, [36, 40], 2)).relu()).data();
      e.tuning.used(true);
      expectClose(await step(a, b).data(), want);
      expectClose(await e.tidy(() => a.matmul(b).relu()).data(), want);
      // The step counts its trace and its replay; the eager product once.
      expect(e.tuning.used(true).matmul).toEqual({ lavapipe: 3 });

      const table: TuningTable = { format: 'webgpu-descent-tuning', version: 1, adapters: { [adapterKey(e.adapterInfo)]: { [productKey]: { variant: 'tiles_64x64', ms: {} } } } };
      e.tuning.import(JSON.stringify(table));
      expectClose(await step(a, b).data(), want);
      expectClose(await e.tidy(() => a.matmul(b).relu()).data(), want);
      expect(e.tuning.used(true).matmul).toEqual({ tiles_64x64: 3 });
      expect(step.captureCount).toBe(1);
      // A replay alone counts what its trace dispatched.
      expectClose(await step(a, b).data(), want);
      expect(e.tuning.used(true).matmul).toEqual({ tiles_64x64: 1 });
      expect(e.tuning.export().adapters[adapterKey(e.adapterInfo)]![productKey]!.variant).toBe('tiles_64x64');
      // Forcing a variant changes the next choice for the very same params (no stale memo).
      e.tuning.force('matmul', 'lavapipe');
      expectClose(await e.tidy(() => a.matmul(b).relu()).data(), want);
      expect(e.tuning.used(true).matmul).toEqual({ lavapipe: 1 });
      e.tuning.force('matmul', null);
      step.dispose();
      e.dispose([a, b]);
    } finally {
      e.destroy();
    }
  });

  it('refuses what it cannot use, naming the call', async () => {
    const e = await gpuEngine();
    expect(() => e.tuning.force('add', 'x')).toThrow(/^tuning.force: kernel 'add' has no variants/);
    expect(() => e.tuning.force('matmul', 'nope')).toThrow(/^tuning.force: 'matmul' has no variant 'nope' \(its variants: lavapipe, /);
    expect(() => e.tuning.import('{')).toThrow(/^tuning.import: expected a tuning table as JSON/);
    expect(() => e.tuning.import({ format: 'x' } as never)).toThrow(/^tuning.import: expected a tuning table/);
    expect(() => e.tuning.import({ format: 'webgpu-descent-tuning', version: 2, adapters: {} } as never)).toThrow(/version 2 is not supported/);
    const cpu = await cpuEngine();
    expect(cpu.tuning.mode).toBe('off');
    expect(cpu.stats().tuningRuns).toBe(0);
  });

  it("mode 'off' (the tests' default) neither queues nor times", async () => {
    const e = await gpuEngine();
    expect(e.tuning.mode).toBe('off');
    const before = e.stats().tuningRuns;
    await input(e, [20, 36], 1).matmul(input(e, [36, 40], 2)).data();
    await e.tuning.settle();
    expect(e.stats().tuningRuns).toBe(before);
    expect(e.tuning.export().adapters).toEqual({});
  });
});
