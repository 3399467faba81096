/**
 * Node on Linux: how many memory maps the process holds, and how many it may (vm.max_map_count),
 * and the guard the WebGPU backend keeps with them. lavapipe spends one map per Vulkan descriptor
 * set, so per bind group, and a process at the limit dies with SIGSEGV inside
 * vkCreateDescriptorPool (docs/lavapipe.md, memory maps). A collection and a wait free the
 * dropped bind groups' sets for reuse: the count stops growing. It falls only when the layouts go
 * (the backend's relief after a refusal, webgpu_backend.ts).
 */

import { linuxProcFs } from './linux_proc.js';

/** Maps in use and the limit. */
export interface MemoryMaps {
  used: number;
  limit: number;
}

/** The kernel's default vm.max_map_count, where the setting cannot be read. */
const defaultMapLimit = 65530;

/**
 * A probe reading /proc/self/maps (one line per map: about 50 ms at 60,000 maps, so callers read
 * it rarely), or null where there is no /proc (browsers, macOS, Windows).
 */
export async function nodeMemoryMapsProbe(): Promise<(() => MemoryMaps | null) | null> {
  const fs = await linuxProcFs();
  if (!fs) return null;
  let limit = defaultMapLimit;
  try {
    limit = Number(fs.readFileSync('/proc/sys/vm/max_map_count', 'utf8').trim()) || defaultMapLimit;
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

/** Dispatches are refused from this fraction of the memory-map limit on, while the maps grow. */
export const refusedMapFraction = 0.85;
/** ...and from this one on in any case (the process died at about 61,000 of 65,530 in stop 10). */
export const hardMapFraction = 0.93;
/**
 * Growth since the first reading after a wait that counts as growing: a loop reusing freed
 * descriptor sets still moves the count by about 1,300 maps up and down (measured between
 * submits on lavapipe).
 */
export const allowedMapGrowth = 4096;
/** Bind groups made between two reads of the maps at least (a read costs up to ~50 ms). */
export const minBindGroupsBetweenMapChecks = 1024;

/**
 * Refuses dispatches, with an error, once the process holds most of its memory maps and they grew
 * since the first reading after the last wait on the GPU (a count near the limit is only a danger
 * while it grows: a collection frees sets for reuse), or once it holds nearly all of them. The
 * maps are read at the first dispatch, then again after half the bind groups that would reach the
 * refusal point at one map each (at least minBindGroupsBetweenMapChecks), so a loop far from the
 * limit reads them rarely.
 */
export class MemoryMapGuard {
  /** The count of bind groups made at which the maps are read next. */
  private nextCheck = 0;
  /** The maps at the first reading since the last wait. */
  private stretchStart: number | null = null;

  constructor(private readonly probe: () => MemoryMaps | null) {}

  /** Before a dispatch of `kernel`, `bindGroupsMade` bind groups having been made so far. */
  beforeDispatch(kernel: string, bindGroupsMade: number): void {
    if (bindGroupsMade < this.nextCheck) return;
    const maps = this.probe();
    if (!maps) {
      this.nextCheck = Infinity;
      return;
    }
    this.stretchStart ??= maps.used;
    const refusedAt = refusedMapFraction * maps.limit;
    const growing = maps.used - this.stretchStart > allowedMapGrowth;
    if (maps.used >= hardMapFraction * maps.limit || (maps.used >= refusedAt && growing)) {
      // The next dispatch reads the maps again: refused until a wait lets the dropped sets be reused.
      throw new Error(
        `${kernel}: the process holds ${maps.used} of its ${maps.limit} memory maps (vm.max_map_count), and lavapipe takes one for ` +
          `each bind group made while no wait on the GPU lets the dropped ones be reused; at the limit the process would crash. ` +
          `Await e.flush() or a read every few thousand ops, free intermediates (e.tidy, dispose) so that buffers and bind groups ` +
          `are reused, or capture the step (e.compile, opt.compileStep).`,
      );
    }
    this.nextCheck = bindGroupsMade + Math.max(minBindGroupsBetweenMapChecks, Math.floor((refusedAt - maps.used) / 2));
  }

  /** After a wait on the GPU: the bind groups dropped before it can be collected and their sets reused. */
  afterWait(): void {
    this.stretchStart = null;
  }
}
