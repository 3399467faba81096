// The wait policy of src/backend/webgpu/node/software_gpu_wait.ts on a simulated clock: the "GPU"
// keeps the process's CPU time growing (two busy cores) and, where thread states are on, its
// threads running, until it is done.
import { describe, expect, it } from 'vitest';
import { SoftwareGpuWait, busySleepFactor, idleSamples, idleWindowMs, oversleptFraction, sleepFraction, sleepFromMs, type WaitClock } from '../../src/backend/webgpu/node/software_gpu_wait.js';

/** A simulated process: the GPU burns 2 cores while busy, other threads `otherCores`. */
class FakeProcess implements WaitClock {
  t = 0;
  busyUntil = 0;
  otherCores = 0;
  /** Whether othersRunning can see thread states (Linux's /proc). */
  constructor(private readonly threadStates = false) {}
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
  othersRunning(): boolean | null {
    return this.threadStates ? this.t < this.busyUntil || this.otherCores > 0 : null;
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
  /** Runs one wait and returns when (after its start) the Dawn promise was created. */
  async function waitAndTime(p: FakeProcess, w: SoftwareGpuWait, newWork = true): Promise<number> {
    const start = p.t;
    let calledAt = -1;
    await w.wait(newWork, async () => {
      calledAt = p.t;
      return p.gpuWait();
    });
    return calledAt - start;
  }

  /** A process and its waits, after a first (plain) wait for `ms` of work. */
  async function afterWaitOf(ms: number, threadStates = false): Promise<{ p: FakeProcess; w: SoftwareGpuWait }> {
    const p = new FakeProcess(threadStates);
    const w = new SoftwareGpuWait(p);
    p.work(ms);
    await w.wait(true, p.gpuWait);
    return { p, w };
  }

  it('waits at once when short work is expected, or when nothing new was submitted', async () => {
    const p = new FakeProcess();
    const w = new SoftwareGpuWait(p);
    p.work(sleepFromMs - 1);
    expect(await waitAndTime(p, w)).toBe(0);
    p.work(50);
    expect(await waitAndTime(p, w)).toBe(0);
    // A readback of results already computed: nothing new to sleep for.
    p.work(50);
    expect(await waitAndTime(p, w, false)).toBe(0);
    expect(w.sleptWaits).toBe(0);
  });

  it('in a steady loop, sleeps most of the expected GPU time before the Dawn wait', async () => {
    const { p, w } = await afterWaitOf(20);
    for (let i = 0; i < 3; i++) {
      p.work(20);
      expect(await waitAndTime(p, w)).toBeCloseTo(20 * sleepFraction, 6);
    }
    expect(w.sleptWaits).toBe(3);
  });

  it('stops sleeping once the CPU time stops growing, and expects the shorter work next', async () => {
    const { p, w } = await afterWaitOf(100);
    p.work(20);
    const at = await waitAndTime(p, w);
    expect(at).toBeGreaterThanOrEqual(20);
    expect(at).toBeLessThanOrEqual(20 + idleWindowMs + 1);
    p.work(20);
    const next = await waitAndTime(p, w);
    expect(next).toBeGreaterThan(20 * sleepFraction - idleWindowMs - 2);
    expect(next).toBeLessThan(20);
  });

  it('expects longer work after a wait that outlasted the sleep', async () => {
    const { p, w } = await afterWaitOf(20);
    p.work(40);
    expect(await waitAndTime(p, w)).toBeCloseTo(20 * sleepFraction, 6);
    p.work(40);
    expect(await waitAndTime(p, w)).toBeCloseTo(40 * sleepFraction, 6);
  });

  it('sleeps no longer than expected while another thread keeps the process busy', async () => {
    const { p, w } = await afterWaitOf(30);
    p.otherCores = 1;
    p.work(5);
    expect(await waitAndTime(p, w)).toBeCloseTo(30 * sleepFraction, 6);
    // That Dawn wait resolved at once: the work had ended unseen, so the next sleep is halved.
    p.work(5);
    expect(await waitAndTime(p, w)).toBeCloseTo(30 * oversleptFraction * sleepFraction, 6);
  });

  describe('with thread states', () => {
    /** Waits for `ms` of work and checks that the Dawn wait came within idleSamples of its end. */
    async function expectEndSeen(p: FakeProcess, w: SoftwareGpuWait, ms: number): Promise<void> {
      p.work(ms);
      const at = await waitAndTime(p, w);
      expect(at).toBeGreaterThanOrEqual(ms);
      expect(at).toBeLessThanOrEqual(ms + idleSamples);
    }

    it('stops within two samples of the end of shorter work, and expects it next', async () => {
      const { p, w } = await afterWaitOf(100, true);
      await expectEndSeen(p, w, 20);
      p.work(20);
      expect(await waitAndTime(p, w)).toBeGreaterThanOrEqual(20);
      expect(w.sleptWaits).toBe(2);
    });

    it('sleeps on past the expected time while the GPU runs, up to busySleepFactor times it', async () => {
      const { p, w } = await afterWaitOf(20, true);
      await expectEndSeen(p, w, 40);
      // Far longer work: the sleep stops at busySleepFactor times the ~41 ms now expected.
      p.work(1000);
      const capped = await waitAndTime(p, w);
      expect(capped).toBeGreaterThanOrEqual(busySleepFactor * 40);
      expect(capped).toBeLessThanOrEqual(busySleepFactor * (40 + idleSamples) + 1);
      // That wait then polled to the end: the next one expects all of it.
      p.work(1000);
      expect(await waitAndTime(p, w)).toBeGreaterThanOrEqual(1000);
    });

    it('while another thread keeps running: sleeps busySleepFactor times the expected time, then half as long each wait', async () => {
      const { p, w } = await afterWaitOf(30, true);
      p.otherCores = 1;
      p.work(5);
      expect(await waitAndTime(p, w)).toBeCloseTo(busySleepFactor * 30, 6);
      p.work(5);
      expect(await waitAndTime(p, w)).toBeCloseTo(busySleepFactor * 30 * oversleptFraction, 6);
      p.work(5);
      p.work(5);
      // 7.5 ms expected: under sleepFromMs, so the waits are plain again.
      await waitAndTime(p, w);
      expect(await waitAndTime(p, w)).toBe(0);
    });
  });

  it('waits that begin during a sleep wait for its end before their own Dawn wait', async () => {
    const { p, w } = await afterWaitOf(20);
    p.work(20);
    const [first, second] = await Promise.all([waitAndTime(p, w), waitAndTime(p, w, false)]);
    expect(first).toBeCloseTo(20 * sleepFraction, 6);
    // The simulated Dawn wait of the first moves the clock on before the second runs.
    expect(second).toBeGreaterThanOrEqual(20 * sleepFraction);
  });
});
