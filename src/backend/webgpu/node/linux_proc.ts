/**
 * Node on Linux: the `fs` functions that read this process's entries in /proc, for the probes of
 * process_threads.ts and memory_maps.ts. Imported lazily through a variable, so that no bundler
 * follows it: the browser bundle has no `fs`.
 */

/** The `fs` functions the /proc probes use. */
export interface ProcFs {
  readdirSync(path: string): string[];
  readlinkSync(path: string): string;
  readFileSync(path: string, encoding: 'utf8'): string;
  readFileSync(path: string): Uint8Array & { indexOf(value: number, from: number): number };
}

/** `fs` where /proc/self can be read (Node on Linux), else null (browsers, macOS, Windows). */
export async function linuxProcFs(): Promise<ProcFs | null> {
  if (typeof process === 'undefined' || !process.versions?.node || process.platform !== 'linux') return null;
  const fsName = 'node:fs';
  try {
    const fs = (await import(/* @vite-ignore */ fsName)) as ProcFs;
    fs.readdirSync('/proc/self');
    return fs;
  } catch {
    return null;
  }
}
