/**
 * Node on Linux: how many memory maps the process holds, and how many it may (vm.max_map_count).
 * lavapipe spends one map per live Vulkan descriptor set, so per live bind group, and a process at
 * the limit dies with SIGSEGV inside vkCreateDescriptorPool (README, known issues); the WebGPU
 * backend reads this now and then to refuse a dispatch with an error before that happens.
 */

/** Maps in use and the limit. */
export interface MemoryMaps {
  used: number;
  limit: number;
}

/** The `fs` function the probe needs (imported lazily: the browser bundle has no `fs`). */
interface ProcFs {
  readFileSync(path: string): Uint8Array & { indexOf(value: number, from: number): number };
}

/** The kernel's default vm.max_map_count, where the setting cannot be read. */
const defaultMapLimit = 65530;

/**
 * A probe reading /proc/self/maps (one line per map: about 50 ms at 60,000 maps, so callers read
 * it rarely), or null where there is no /proc (browsers, macOS, Windows).
 */
export async function nodeMemoryMapsProbe(): Promise<(() => MemoryMaps | null) | null> {
  if (typeof process === 'undefined' || !process.versions?.node || process.platform !== 'linux') return null;
  const fsName = 'node:fs';
  let fs: ProcFs;
  let limit = defaultMapLimit;
  try {
    fs = (await import(/* @vite-ignore */ fsName)) as ProcFs;
    fs.readFileSync('/proc/self/maps');
  } catch {
    return null;
  }
  try {
    limit = Number(new TextDecoder().decode(fs.readFileSync('/proc/sys/vm/max_map_count')).trim()) || defaultMapLimit;
  } catch {
    // Keep the default.
  }
  return () => {
    try {
      const maps = fs.readFileSync('/proc/self/maps');
      let used = 0;
      for (let i = maps.indexOf(10, 0); i !== -1; i = maps.indexOf(10, i + 1)) used++;
      return { used, limit };
    } catch {
      return null;
    }
  };
}
