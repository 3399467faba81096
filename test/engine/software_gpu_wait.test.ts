// The wait policy of src/backend/webgpu/software_gpu_wait.ts on a simulated clock: the "GPU"
// keeps the process's CPU time growing (two busy cores) until it is done.
import { describe, expect, it } from 'vitest';
import { SoftwareGpuWait, idleWindowMs, minPollLimitMs, pollFromMs, waitsWithoutPollAfterLimit, type WaitClock } from '../../src/backend/webgpu/software_gpu_wait.js';

/** A simulated process: the GPU burns 2 cores while busy, other threads `otherCores`. */
class FakeProcess implements WaitClock {
  t = 0;
  busyUntil = 0;
  otherCores = 0;
  private busyFrom = 0;
  private cpu = 0;
  private counted = 0;
  now(): number {
    return this.t;
  }
  cpuMs(): number {
    const overlap = Math.max(0, Math.min(this.t, this.busyUntil) - Math.max(this.counted, this.busyFrom));
    this.cpu += 2 * overlap + this.otherCores * (this.t - this.counted);
    this.counted = this.t;
    return this.cpu;
  }
  async sleep(ms: number): Promise<void> {
    this.t += ms;
  }
  /** Submits work that keeps the GPU busy for `ms` from now. */
  work(ms: number): void {
    this.cpuMs();
    this.busyFrom = this.t;
    this.busyUntil = this.t + ms;
  }
  /** What Dawn's promise does: resolves when the GPU is done, time passing meanwhile. */
  gpuWait = async (): Promise<string> => {
    this.t = Math.max(this.t, this.busyUntil);
    return 'done';
  };
}

describe('waiting on a software GPU', () => {
  it('waits at once when the work is short or when nothing new was submitted', async () => {
    const p = new FakeProcess();
    const w = new SoftwareGpuWait(p);
    p.work(2);
    expect(await w.wait(true, p.gpuWait)).toBe('done');
    p.work(pollFromMs + 10);
    await w.wait(false, p.gpuWait);
    expect(w.polledWaits).toBe(0);
  });

  it('after a long wait, sleeps until the CPU time stops growing, then waits', async () => {
    const p = new FakeProcess();
    const w = new SoftwareGpuWait(p);
    p.work(pollFromMs + 5);
    await w.wait(true, p.gpuWait);
    expect(w.polledWaits).toBe(0);
    const start = p.t;
    p.work(30);
    let calledAt = -1;
    await w.wait(true, async () => {
      calledAt = p.t;
      return p.gpuWait();
    });
    expect(w.polledWaits).toBe(1);
    // Called once the GPU was done, within the idle window (and 1 ms steps).
    expect(calledAt - start).toBeGreaterThanOrEqual(30);
    expect(calledAt - start).toBeLessThanOrEqual(30 + idleWindowMs + 1);
  });

  it('gives up polling at its limit when another thread keeps the process busy, then skips polls', async () => {
    const p = new FakeProcess();
    const w = new SoftwareGpuWait(p);
    p.work(pollFromMs);
    await w.wait(true, p.gpuWait);
    p.otherCores = 1;
    const start = p.t;
    p.work(10);
    let calledAt = -1;
    await w.wait(true, async () => {
      calledAt = p.t;
      return p.gpuWait();
    });
    expect(calledAt - start).toBe(Math.max(minPollLimitMs, 4 * pollFromMs));
    for (let i = 0; i < waitsWithoutPollAfterLimit; i++) {
      p.work(pollFromMs);
      await w.wait(true, p.gpuWait);
    }
    expect(w.polledWaits).toBe(1);
    p.work(pollFromMs);
    await w.wait(true, p.gpuWait);
    expect(w.polledWaits).toBe(2);
  });

  it('waits that begin during a poll wait for its end before their own Dawn wait', async () => {
    const p = new FakeProcess();
    const w = new SoftwareGpuWait(p);
    p.work(pollFromMs);
    await w.wait(true, p.gpuWait);
    p.work(pollFromMs);
    const order: string[] = [];
    const first = w.wait(true, async () => {
      order.push(`first at ${p.t}`);
      return p.gpuWait();
    });
    const second = w.wait(false, async () => {
      order.push(`second at ${p.t}`);
      return p.gpuWait();
    });
    await Promise.all([first, second]);
    expect(order).toHaveLength(2);
    for (const entry of order) expect(Number(entry.split(' at ')[1])).toBeGreaterThanOrEqual(p.busyUntil);
  });
});
