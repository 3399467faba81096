// The memory-map guard of src/backend/webgpu/node/memory_maps.ts on a simulated process: `maps` grows
// by one per new bind group unless freed descriptor sets are there to reuse.
import { describe, expect, it } from 'vitest';
import { MemoryMapGuard, allowedMapGrowth, hardMapFraction, minBindGroupsBetweenMapChecks, refusedMapFraction, type MemoryMaps } from '../../src/backend/webgpu/node/memory_maps.js';

const limit = 65530;

/** A process whose bind groups take a map each unless a freed set is there to reuse. */
class FakeMaps {
  used = 500;
  reads = 0;
  made = 0;
  freeSets = 0;
  probe = (): MemoryMaps => {
    this.reads++;
    return { used: this.used, limit };
  };
  makeBindGroups(n: number): void {
    const reused = Math.min(n, this.freeSets);
    this.freeSets -= reused;
    this.used += n - reused;
    this.made += n;
  }
}

/** Dispatches `n` times, each making one bind group; returns the error of the first refusal. */
function dispatch(p: FakeMaps, guard: MemoryMapGuard, n: number): Error | null {
  for (let i = 0; i < n; i++) {
    try {
      guard.beforeDispatch('mul (shaders/elementwise/binary.wgsl)', p.made);
    } catch (err) {
      return err as Error;
    }
    p.makeBindGroups(1);
  }
  return null;
}

describe('the memory-map guard', () => {
  it('refuses a dispatch once 85% of the maps are held and growing, with an error naming the op and the remedies', () => {
    const p = new FakeMaps();
    const guard = new MemoryMapGuard(p.probe);
    const err = dispatch(p, guard, limit);
    expect(err?.message).toMatch(/^mul \(shaders\/elementwise\/binary\.wgsl\): the process holds \d+ of its 65530 memory maps.*e\.flush\(\)/);
    expect(p.used).toBeGreaterThanOrEqual(refusedMapFraction * limit);
    expect(p.used).toBeLessThan(refusedMapFraction * limit + minBindGroupsBetweenMapChecks + 1);
    // Far from the limit the maps are read rarely: about log2 of the distance, not per dispatch.
    expect(p.reads).toBeLessThan(30);
    // Refused again until a wait.
    expect(dispatch(p, guard, 1)).not.toBeNull();
  });

  it('after a wait, lets a loop at the same count go on while it reuses the freed sets, and refuses it once it grows', () => {
    const p = new FakeMaps();
    const guard = new MemoryMapGuard(p.probe);
    dispatch(p, guard, limit);
    guard.afterWait();
    const start = p.used;
    // The collection before the wait freed 40,000 sets for reuse.
    p.freeSets = 40_000;
    expect(dispatch(p, guard, 30_000)).toBeNull();
    // Once they are used up the maps grow again.
    expect(dispatch(p, guard, 20_000)).not.toBeNull();
    expect(p.used).toBeGreaterThan(start + allowedMapGrowth);
    expect(p.used).toBeLessThanOrEqual(start + allowedMapGrowth + minBindGroupsBetweenMapChecks + 1);
  });

  it('lets the count move up and down near the threshold, and refuses past the hard fraction in any case', () => {
    const p = new FakeMaps();
    p.used = Math.ceil(refusedMapFraction * limit) + 100;
    const guard = new MemoryMapGuard(p.probe);
    for (let round = 0; round < 20; round++) {
      expect(dispatch(p, guard, 1500)).toBeNull();
      // Sets freed between submits: the count falls back.
      p.used -= 1500;
    }
    guard.afterWait();
    p.used = Math.ceil(hardMapFraction * limit);
    // Refused at the next reading, at most minBindGroupsBetweenMapChecks bind groups later.
    expect(dispatch(p, guard, minBindGroupsBetweenMapChecks + 1)).not.toBeNull();
  });

  it('gives up reading when the probe fails', () => {
    let reads = 0;
    const guard = new MemoryMapGuard(() => {
      reads++;
      return null;
    });
    for (let i = 0; i < 10; i++) guard.beforeDispatch('k', i * 100_000);
    expect(reads).toBe(1);
  });
});
