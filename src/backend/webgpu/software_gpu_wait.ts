/**
 * Waiting on a software GPU (lavapipe) without taking a core from it.
 *
 * Dawn's Node binding learns that mapAsync or onSubmittedWorkDone completed by polling with
 * setImmediate, so while such a promise is pending the main thread runs flat out. lavapipe runs the
 * kernels on worker threads of this same process: on a machine with few cores that poll takes one
 * of theirs. Measured on 2 cores: the input gradient of the article's second conv layer took
 * 18-19 ms awaited at once, 10 ms when the process slept until the kernels were done.
 *
 * So a wait for new work first sleeps, in 1 ms steps, for up to 0.95x the GPU time the last such
 * wait took (a training loop's waits are alike from one step to the next), and stops early once
 * the process's CPU time stops growing (lavapipe's workers idle: the work was shorter this time).
 * Only then is the Dawn promise created; it polls for what is left, if anything. A wait expected
 * to be short (under `sleepFromMs`: an eager op and its readback) stays plain. Where other
 * threads of the process keep it busy (worker threads of the application), the early stop does
 * not happen: a short wait after a long one then sleeps the long one's 0.95x, and the next one
 * half of that.
 */

/** Clocks and sleep, injectable for tests. */
export interface WaitClock {
  /** Wall time in milliseconds. */
  now(): number;
  /** CPU time of the whole process (all threads) in milliseconds. */
  cpuMs(): number;
  sleep(ms: number): Promise<void>;
}

/**
 * A wait for new work sleeps first when the GPU time expected (ms) is at least this: below it, the
 * timers' 1 ms steps (which run long) cost about what the poll would.
 */
export const sleepFromMs = 8;
/** The fraction of the expected GPU time slept at most before the Dawn promise is created. */
export const sleepFraction = 0.95;
/**
 * CPU time is compared over windows at least this long (ms): the process's CPU time counts a
 * thread running on another core only at scheduler ticks (every 4 ms here), so shorter windows
 * can see a busy worker as idle.
 */
export const idleWindowMs = 5;
/** Idle: the process used less than this fraction of one core over the window. */
export const idleCpuFraction = 0.3;
/**
 * A Dawn wait after a full sleep that resolved within `doneBeforeWakeMs` means the work ended
 * during the sleep unseen (another busy thread hid it): the next wait expects this fraction.
 */
export const oversleptFraction = 0.5;
export const doneBeforeWakeMs = 0.5;

/** One backend's waits (the policy of the file comment); the backend creates it for software adapters. */
export class SoftwareGpuWait {
  /** The GPU time the next wait for new work is expected to take (ms). */
  private expectedMs = 0;
  /** The sleep in progress: waits that begin meanwhile (concurrent reads) sleep with it. */
  private sleeping: Promise<number | null> | null = null;
  /** Waits that slept first (for tests and diagnostics). */
  sleptWaits = 0;

  constructor(private readonly clock: WaitClock) {}

  /**
   * Runs `gpuWait` (the Dawn promise), first sleeping while the GPU is expected to be busy.
   * `newWork`: dispatches were submitted since the last wait began (a readback of results
   * already computed waits on nothing).
   */
  async wait<T>(newWork: boolean, gpuWait: () => Promise<T>): Promise<T> {
    if (this.sleeping) {
      await this.sleeping;
      return gpuWait();
    }
    if (!newWork) return gpuWait();
    const start = this.clock.now();
    let idleAt: number | null = null;
    const slept = this.expectedMs >= sleepFromMs;
    if (slept) {
      this.sleptWaits++;
      this.sleeping = this.sleepWhileBusy(start, sleepFraction * this.expectedMs);
      idleAt = await this.sleeping;
      this.sleeping = null;
    }
    const awake = this.clock.now();
    const result = await gpuWait();
    const end = this.clock.now();
    if (idleAt !== null) {
      // Found idle: the work ended within the window before.
      this.expectedMs = Math.max(0, idleAt - idleWindowMs - start);
    } else {
      const overslept = slept && end - awake < doneBeforeWakeMs;
      this.expectedMs = (overslept ? oversleptFraction : 1) * (end - start);
    }
    return result;
  }

  /**
   * Sleeps until `limitMs` after `start`, or until the process's CPU time stops growing; returns
   * when it found the process idle, or null.
   */
  private async sleepWhileBusy(start: number, limitMs: number): Promise<number | null> {
    const samples: [number, number][] = [[start, this.clock.cpuMs()]];
    // Remainders under 0.1 ms are not slept (nor could a timer sleep them).
    for (let left = limitMs; left >= 0.1; left = limitMs - (this.clock.now() - start)) {
      await this.clock.sleep(Math.min(1, left));
      const now = this.clock.now();
      const cpu = this.clock.cpuMs();
      // The newest sample at least a window back.
      let k = samples.length - 1;
      while (k > 0 && now - samples[k]![0] < idleWindowMs) k--;
      const [t0, cpu0] = samples[k]!;
      samples.push([now, cpu]);
      if (now - t0 >= idleWindowMs && cpu - cpu0 < idleCpuFraction * (now - t0)) return now;
    }
    return null;
  }
}

/** The clock of a Node process, or null elsewhere (browsers run the GPU in another process). */
export function nodeWaitClock(): WaitClock | null {
  if (typeof process === 'undefined' || typeof process.cpuUsage !== 'function') return null;
  return {
    now: () => performance.now(),
    cpuMs: () => {
      const c = process.cpuUsage();
      return (c.user + c.system) / 1000;
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}
