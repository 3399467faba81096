/**
 * Waiting on a software GPU (lavapipe) without taking a core from it.
 *
 * Dawn's Node binding learns that mapAsync or onSubmittedWorkDone completed by polling with
 * setImmediate, so while such a promise is pending the main thread runs flat out. lavapipe runs the
 * kernels on worker threads of this same process: on a machine with few cores that poll takes one
 * of theirs. Measured on 2 cores: the input gradient of the article's second conv layer took
 * 18-19 ms awaited at once, 10 ms when the process slept until the kernels were done.
 *
 * So before a wait for work expected to be long, the backend sleeps in 1 ms steps until the
 * process's CPU time stops growing (lavapipe's workers are idle, the kernels done) and only then
 * creates the Dawn promise, which resolves at its first poll. Work is expected to be long when the
 * last wait that had new dispatches to wait for took at least `pollFromMs`: a training loop's waits
 * are alike from one step to the next. Short waits (an eager op and its readback) are left alone:
 * the first idle check costs about `idleWindowMs`.
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
 * Waits that took at least this long (ms) make the next wait with new work poll for idleness:
 * long enough that the detection's latency (about `idleWindowMs`) costs less than the poll would.
 */
export const pollFromMs = 15;
/**
 * CPU time is compared over windows at least this long (ms): the process's CPU time counts a
 * thread running on another core only at scheduler ticks (every 4 ms here), so shorter windows
 * can see a busy worker as idle.
 */
export const idleWindowMs = 5;
/** Idle: the process used less than this fraction of one core over the window. */
export const idleCpuFraction = 0.3;
/** Polling gives up after max(this, 4 x the last long wait) ms (another busy thread, say). */
export const minPollLimitMs = 50;

/** After polling hit its limit (the process stayed busy), this many waits with new work do not poll. */
export const waitsWithoutPollAfterLimit = 16;

export class SoftwareGpuWait {
  private lastWaitMs = 0;
  private skipPolls = 0;
  /** The poll in progress: waits that begin meanwhile (concurrent reads) wait for it too. */
  private idle: Promise<boolean> | null = null;
  /** Waits that polled for idleness (for tests and diagnostics). */
  polledWaits = 0;

  constructor(private readonly clock: WaitClock) {}

  /**
   * Runs `gpuWait` (the Dawn promise) after the GPU went idle when the work is expected to be
   * long. `newWork`: dispatches were submitted since the last wait began (a readback of results
   * already computed waits on nothing).
   */
  async wait<T>(newWork: boolean, gpuWait: () => Promise<T>): Promise<T> {
    if (this.idle) {
      await this.idle;
      return gpuWait();
    }
    if (!newWork) return gpuWait();
    const start = this.clock.now();
    if (this.skipPolls > 0) this.skipPolls--;
    else if (this.lastWaitMs >= pollFromMs) {
      this.polledWaits++;
      this.idle = this.untilIdle(start, Math.max(minPollLimitMs, 4 * this.lastWaitMs));
      const wentIdle = await this.idle;
      this.idle = null;
      if (!wentIdle) this.skipPolls = waitsWithoutPollAfterLimit;
    }
    const result = await gpuWait();
    this.lastWaitMs = this.clock.now() - start;
    return result;
  }

  /** Sleeps until the process's CPU time stops growing; false when `limitMs` passed first. */
  private async untilIdle(start: number, limitMs: number): Promise<boolean> {
    const samples: [number, number][] = [[start, this.clock.cpuMs()]];
    while (this.clock.now() - start < limitMs) {
      await this.clock.sleep(1);
      const now = this.clock.now();
      const cpu = this.clock.cpuMs();
      // The newest sample at least a window back.
      let k = samples.length - 1;
      while (k > 0 && now - samples[k]![0] < idleWindowMs) k--;
      const [t0, cpu0] = samples[k]!;
      samples.push([now, cpu]);
      if (now - t0 >= idleWindowMs && cpu - cpu0 < idleCpuFraction * (now - t0)) return true;
    }
    return false;
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
