// Eager loops of tens of thousands of dispatches on lavapipe: each live bind group costs a memory
// map there, and without the backend's garbage collection before its waits (nodeGarbageCollector
// in src/backend/webgpu/node/garbage_collector.ts) the article's eager force loss at 20 vectors ran out of maps and
// the process died with SIGSEGV in its third step; a loop that never waits is refused with an
// error before the limit (memory_maps.ts). Child processes, so that a crash fails these tests
// rather than the run, and a plain `node`, so that the collector sets --expose-gc itself.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gpuEngine } from '../helpers/engines.js';
import { runProcess } from './processes/run_process.js';

/** vm.max_map_count, or null off Linux. */
function mapLimit(): number | null {
  try {
    return Number(readFileSync('/proc/sys/vm/max_map_count', 'utf8').trim());
  } catch {
    return null;
  }
}

describe('eager loops on lavapipe (WebGPU, child processes)', () => {
  it('the eager force loss at 20 vectors runs 6 steps, agrees with the captured step, and keeps the memory maps far from the limit', async () => {
    await gpuEngine();
    const { eager, captured, maps } = await runProcess<{ eager: number[]; captured: number[]; maps: number }>('eager_force', ['6']);
    expect(eager).toHaveLength(6);
    eager.forEach((x, i) => expect(Math.abs(x - captured[i]!)).toBeLessThan(1e-3 * Math.abs(captured[i]!)));
    // 65,530 is the kernel's default limit; the steady state is about 37,000 here.
    expect(maps).toBeLessThan(50_000);
  });

  it('a loop that never waits is refused with an error near the map limit, and goes on after a flush', async (ctx) => {
    const e = await gpuEngine();
    const limit = mapLimit();
    // Past about 70,000 maps the loop below would take minutes to get there.
    if (!e.adapterInfo.isSoftware || limit === null || limit > 70_000) return ctx.skip('needs a software adapter and a memory-map limit under 70,000');
    const r = await runProcess<{ error: string; steps: number; refusedAt: number; leakedByRefusal: number; secondError: string; afterSecond: number; value: number }>('eager_maps', []);
    expect(r.error).toMatch(/memory maps \(vm\.max_map_count\).*e\.flush\(\)/);
    expect(r.steps).toBeLessThan(50_000);
    expect(r.refusedAt).toBeGreaterThan(0.8 * limit);
    expect(r.refusedAt).toBeLessThan(0.95 * limit);
    // The refused dispatch gave its output buffer back.
    expect(r.leakedByRefusal).toBe(0);
    // After the flush, 20,000 more dispatches reuse the collected bind groups' descriptor sets.
    expect(r.secondError).toBe('');
    expect(r.afterSecond).toBeLessThan(r.refusedAt + 2048);
    expect(Number.isFinite(r.value)).toBe(true);
  });

  it('an untidied, unread Adam loop runs 60,000 steps: each refusal is followed by progress after a flush, and then a tidied step, a trivial op and a new engine run', async (ctx) => {
    const e = await gpuEngine();
    const limit = mapLimit();
    if (!e.adapterInfo.isSoftware || limit === null || limit > 70_000) return ctx.skip('needs a software adapter and a memory-map limit under 70,000');
    type Refusal = { step: number; message: string; stepsAfter: number };
    const r = await runProcess<{ steps: number; done: number; refusals: Refusal[]; tidiedLoss: number; trivial: number[]; newEngine: number[]; w1: number[] }>(
      'untidied_adam',
      ['60000'],
      { timeoutMs: 600_000 },
    );
    // Before the fix: refused near 18,000, 35,000 and 53,000 steps, then every dispatch for good.
    expect(r.refusals.length).toBeLessThan(10);
    for (const refusal of r.refusals) {
      expect(refusal.message).toMatch(/memory maps \(vm\.max_map_count\)/);
      // Each refusal is followed by thousands of steps (or the end of the loop).
      expect(refusal.stepsAfter, `after the refusal at step ${refusal.step}`).toBeGreaterThanOrEqual(Math.min(5000, r.steps - refusal.step - 1));
    }
    expect(r.done).toBe(r.steps - r.refusals.length);
    expect(Number.isFinite(r.tidiedLoss)).toBe(true);
    expect(r.w1.every(Number.isFinite)).toBe(true);
    expect(r.trivial).toEqual([2, 2]);
    expect(r.newEngine).toEqual([2, 2]);
  }, 700_000);
});
