/**
 * Waiting on a software GPU (lavapipe) without taking a core from it.
 *
 * Dawn's Node binding learns that mapAsync or onSubmittedWorkDone completed by polling with
 * setImmediate, so while such a promise is pending the main thread runs flat out. lavapipe runs the
 * kernels on worker threads of this same process: on a machine with few cores that poll takes one
 * of theirs: on 2 cores a kernel awaited at once ran at little more than half the speed it had
 * when the process slept until it was done (docs/lavapipe.md, "Waits").
 *
 * So a wait for new work first sleeps, in 1 ms steps, for up to 0.95x the GPU time the last such
 * wait took (a training loop's waits are alike from one step to the next), and stops early once
 * the work looks done. Only then is the Dawn promise created; it polls for what is left, if
 * anything. A wait expected to be short (under `sleepFromMs`: an eager op and its readback) stays
 * plain.
 *
 * How "done" is seen: on Linux, no other thread of the process is running in two samples in a
 * row (`othersRunning`: thread states, exact to the sample). Where the GPU's threads still run
 * when the expected time is up, the sleep goes on until they stop, up to `busySleepFactor` times
 * the expected time: polling for the rest would slow it down. Without thread states, the process's
 * CPU time stopping growing over a window of `idleWindowMs` says so (later, by the window), and
 * the sleep ends at the expected time. Where other threads of the process keep it busy (worker
 * threads of the application), neither sign comes: the Dawn wait that follows resolves at once,
 * and the next wait expects half as long.
 */

import { nodeOtherThreadsProbe } from './process_threads.js';

/** Clocks and sleep, injectable for tests. */
export interface WaitClock {
  /** Wall time in milliseconds. */
  now(): number;
  /** CPU time of the whole process (all threads) in milliseconds. */
  cpuMs(): number;
  sleep(ms: number): Promise<void>;
  /**
   * Whether a thread of the process other than the caller is running at this instant, or null
   * where that cannot be known (see process_threads.ts); absent: never known.
   */
  othersRunning?(): boolean | null;
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
/** Samples in a row with no other thread running that mean the GPU is idle. */
export const idleSamples = 2;
/**
 * With thread states, a sleep goes on past the expected time while other threads still run, up
 * to this multiple of it.
 */
export const busySleepFactor = 3;
/**
 * A Dawn wait after a full sleep that resolved within `doneBeforeWakeMs` means the work ended
 * during the sleep unseen (another busy thread hid it): the next wait expects this fraction of
 * what this one expected.
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
    let doneAt: number | null = null;
    const expected = this.expectedMs;
    const slept = expected >= sleepFromMs;
    if (slept) {
      this.sleptWaits++;
      this.sleeping = this.sleepWhileBusy(start, expected);
      doneAt = await this.sleeping;
      this.sleeping = null;
    }
    const awake = this.clock.now();
    const result = await gpuWait();
    const end = this.clock.now();
    if (doneAt !== null) this.expectedMs = Math.max(0, doneAt - start);
    else if (slept && end - awake < doneBeforeWakeMs) this.expectedMs = oversleptFraction * expected;
    else this.expectedMs = end - start;
    return result;
  }

  /**
   * Sleeps for up to `sleepFraction` of the expected time after `start` (longer while other
   * threads are seen running, see the file comment), or until the work looks done; returns about
   * when it ended, or null when it was not seen to end.
   */
  private async sleepWhileBusy(start: number, expectedMs: number): Promise<number | null> {
    const limit = sleepFraction * expectedMs;
    const busyLimit = busySleepFactor * expectedMs;
    const cpuSamples: [number, number][] = [[start, this.clock.cpuMs()]];
    let idleRun = 0;
    let firstIdle = start;
    let othersRan = false;
    for (;;) {
      const elapsed = this.clock.now() - start;
      // Remainders under 0.1 ms are not slept (nor could a timer sleep them).
      if (limit - elapsed >= 0.1) await this.clock.sleep(Math.min(1, limit - elapsed));
      else if (idleRun > 0) return firstIdle; // the last sample saw the threads stop
      else if (othersRan && busyLimit - elapsed >= 0.1) await this.clock.sleep(Math.min(1, busyLimit - elapsed));
      else return null;
      const now = this.clock.now();
      const states = this.clock.othersRunning?.() ?? null;
      if (states !== null) {
        othersRan = states;
        if (states) idleRun = 0;
        else if (idleRun++ === 0) firstIdle = now;
        if (idleRun >= idleSamples) return firstIdle;
        continue;
      }
      // No thread states: the CPU time over the newest sample at least a window back.
      const cpu = this.clock.cpuMs();
      let k = cpuSamples.length - 1;
      while (k > 0 && now - cpuSamples[k]![0] < idleWindowMs) k--;
      const [t0, cpu0] = cpuSamples[k]!;
      cpuSamples.push([now, cpu]);
      // Found idle: the work ended within the window before.
      if (now - t0 >= idleWindowMs && cpu - cpu0 < idleCpuFraction * (now - t0)) return now - idleWindowMs;
    }
  }
}

/**
 * The clock of a Node process, with thread states on Linux (process_threads.ts), or null
 * elsewhere (browsers run the GPU in another process).
 */
export async function nodeWaitClock(): Promise<WaitClock | null> {
  if (typeof process === 'undefined' || typeof process.cpuUsage !== 'function') return null;
  const probe = await nodeOtherThreadsProbe();
  return {
    now: () => performance.now(),
    cpuMs: () => {
      const c = process.cpuUsage();
      return (c.user + c.system) / 1000;
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    ...(probe ? { othersRunning: probe } : {}),
  };
}
