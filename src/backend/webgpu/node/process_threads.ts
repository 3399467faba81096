/**
 * Node on Linux: whether a thread of this process other than the main one is running at this
 * instant, read from the states in /proc/self/task/<tid>/stat. lavapipe runs kernels on worker
 * threads of the process, which sleep once the work is done; the state changes at once, where the
 * process's CPU time counts another core's thread only at scheduler ticks (4 ms here). Measured
 * during a matmul 1024 on 2 cores: 2-3 threads running until the product ends, then only the
 * caller (src/backend/webgpu/node/software_gpu_wait.ts uses this to end its sleeps).
 */

import { linuxProcFs } from './linux_proc.js';

/** The field after the command name in a stat line: R when running (or runnable). */
function stateOf(stat: string): string | undefined {
  return stat[stat.lastIndexOf(')') + 2];
}

/**
 * A probe returning true while another thread runs, false when none does, null when /proc could
 * not be read; or null where there is no /proc (browsers, macOS, Windows).
 */
export async function nodeOtherThreadsProbe(): Promise<(() => boolean | null) | null> {
  const fs = await linuxProcFs();
  if (!fs) return null;
  // The caller is running while it reads: skip its own thread (/proc/thread-self names it, in a
  // worker thread too).
  let self: string;
  try {
    self = fs.readlinkSync('/proc/thread-self').split('/').pop()!;
  } catch {
    self = String(process.pid);
  }
  const running = (tid: string): boolean => {
    try {
      return stateOf(fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')) === 'R';
    } catch {
      return false; // the thread ended since it was listed
    }
  };
  // The thread last seen running is read first: while the GPU works that one read answers (a
  // small fraction of the cost of reading the whole list), so the sampling takes little from the
  // GPU's threads on a machine with few cores.
  let hot: string | null = null;
  return () => {
    if (hot !== null && running(hot)) return true;
    hot = null;
    try {
      for (const tid of fs.readdirSync('/proc/self/task')) {
        if (tid !== self && running(tid)) {
          hot = tid;
          return true;
        }
      }
      return false;
    } catch {
      return null;
    }
  };
}
