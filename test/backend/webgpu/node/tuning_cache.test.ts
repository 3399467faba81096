// Node's tuning store: a JSON file (the user's cache directory by default, the environment
// variable or an explicit path otherwise) that saves merge into; a damaged file reads as empty.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { autotuneFromEnvironment, fileTuningStore, tuningCachePath, tuningCacheVariable } from '../../../../src/backend/webgpu/node/tuning_cache.js';
import { emptyTable, type TuningTable } from '../../../../src/backend/webgpu/tuning/table.js';

const dir = mkdtempSync(path.join(tmpdir(), 'webgpu-descent-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const table = (adapter: string, key: string, variant: string): TuningTable => ({ ...emptyTable(), adapters: { [adapter]: { [key]: { variant, ms: { [variant]: 1 } } } } });

describe('the tuning cache file', () => {
  it('is created on the first save; saves merge with what the file holds', async () => {
    const file = path.join(dir, 'a', 'b', 'tuning.json');
    const one = fileTuningStore(file);
    const two = fileTuningStore(file);
    expect(await one.load()).toEqual(emptyTable());
    await one.save(table('gpu', 'matmul|x', 'vec4_64x64'));
    await two.save(table('gpu', 'conv2d|y', 'gemm_64x64'));
    await two.save(table('other', 'matmul|x', 'tiles_64x64'));
    const held = await one.load();
    expect(Object.keys(held.adapters.gpu!).sort()).toEqual(['conv2d|y', 'matmul|x']);
    expect(held.adapters.other!['matmul|x']!.variant).toBe('tiles_64x64');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(held);
  });

  it('reads a damaged or foreign file as empty, and the next save replaces it', async () => {
    const file = path.join(dir, 'damaged.json');
    writeFileSync(file, '{ not json');
    const store = fileTuningStore(file);
    expect(await store.load()).toEqual(emptyTable());
    await store.save(table('gpu', 'k', 'v'));
    expect((await store.load()).adapters.gpu!.k!.variant).toBe('v');
  });

  it('lives where the environment says, else in the user cache directory', () => {
    expect(tuningCachePath('/x/y.json')).toBe('/x/y.json');
    // The test setup points the variable at a temporary directory.
    expect(tuningCachePath()).toBe(process.env[tuningCacheVariable]);
    const saved = process.env[tuningCacheVariable];
    delete process.env[tuningCacheVariable];
    try {
      expect(tuningCachePath()).toMatch(/webgpu-descent[/\\]tuning\.json$/);
    } finally {
      process.env[tuningCacheVariable] = saved;
    }
  });

  it('reads the default autotune mode from WEBGPU_DESCENT_AUTOTUNE', () => {
    const saved = process.env.WEBGPU_DESCENT_AUTOTUNE;
    try {
      process.env.WEBGPU_DESCENT_AUTOTUNE = 'cached';
      expect(autotuneFromEnvironment()).toBe('cached');
      process.env.WEBGPU_DESCENT_AUTOTUNE = '';
      expect(autotuneFromEnvironment()).toBeUndefined();
      process.env.WEBGPU_DESCENT_AUTOTUNE = 'sometimes';
      expect(() => autotuneFromEnvironment()).toThrow(/^createEngine: WEBGPU_DESCENT_AUTOTUNE is 'sometimes'; expected 'off', 'cached' or 'on'/);
    } finally {
      process.env.WEBGPU_DESCENT_AUTOTUNE = saved;
    }
  });
});
