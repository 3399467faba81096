/**
 * Orders a captured step's commands by dependency level and groups commands of one kind that may
 * run together (DESIGN.md, "Step capture"). A command's level is one more than the level of every
 * command it must follow: the last writers of what it reads (read after write), the readers since
 * the last write of what it writes (write after read) and that last writer (write after write).
 * Commands of one level are independent, so those with the same batch key run as one dispatch.
 * Host code is a barrier. The blocks that concat writes into one buffer (partial writes) are
 * disjoint, so they do not order each other. A group holds units of one batch key, or (stacked)
 * single units of different batch keys and one stack key. Hazards are tracked per GPU buffer, not
 * per view: views of one buffer (the variables of an optimizer's arena, the arena itself) order
 * each other whatever their ranges.
 */
import type { GpuBuffer } from '../device/buffer_pool.js';

export interface ScheduleUnit {
  reads: readonly GpuBuffer[];
  writes: readonly GpuBuffer[];
  /** Writes a disjoint block of each written buffer (a concat block). */
  partialWrite?: boolean;
  /** Host code: everything before runs before it, everything after runs after it. */
  barrier?: boolean;
  /** Units with the same key at the same level run together; none: alone. */
  batchKey?: string;
  /**
   * Units of one level left alone by their batch key (no other unit shares it there) but with the
   * same stack key also run together, as one kernel covering all of them (a stacked reduction).
   */
  stackKey?: string;
}

/** Groups of unit indices in execution order; a group of several units is one batched dispatch. */
export function schedule(units: readonly ScheduleUnit[]): number[][] {
  const fullWrite = new Map<GPUBuffer, number>();
  const partialWrite = new Map<GPUBuffer, number>();
  const readSince = new Map<GPUBuffer, number>();
  const written = (b: GPUBuffer): number => Math.max(fullWrite.get(b) ?? -1, partialWrite.get(b) ?? -1);
  const levels: number[] = [];
  let floor = 0;
  let highest = -1;
  units.forEach((u) => {
    let level = floor;
    const reads = u.reads.map((b) => b.gpu);
    const writes = u.writes.map((b) => b.gpu);
    for (const b of reads) level = Math.max(level, written(b) + 1);
    for (const b of writes) {
      const after = u.partialWrite ? (fullWrite.get(b) ?? -1) : written(b);
      level = Math.max(level, after + 1, (readSince.get(b) ?? -1) + 1);
    }
    if (u.barrier) level = Math.max(level, highest + 1);
    levels.push(level);
    highest = Math.max(highest, level);
    for (const b of reads) readSince.set(b, Math.max(readSince.get(b) ?? -1, level));
    for (const b of writes) {
      if (u.partialWrite) {
        partialWrite.set(b, Math.max(partialWrite.get(b) ?? -1, level));
      } else {
        fullWrite.set(b, level);
        partialWrite.delete(b);
        readSince.delete(b);
      }
    }
    if (u.barrier) floor = level + 1;
  });

  const order = units.map((_, i) => i).sort((a, b) => levels[a]! - levels[b]! || a - b);
  const groups: number[][] = [];
  let levelGroups: number[][] = [];
  let byKey = new Map<string, number[]>();
  let current = -1;
  const endLevel = (): void => {
    groups.push(...stackSingles(levelGroups, units));
  };
  for (const i of order) {
    if (levels[i] !== current) {
      endLevel();
      current = levels[i]!;
      levelGroups = [];
      byKey = new Map();
    }
    const key = units[i]!.batchKey;
    const group = key === undefined ? undefined : byKey.get(key);
    if (group) group.push(i);
    else {
      const fresh = [i];
      levelGroups.push(fresh);
      if (key !== undefined) byKey.set(key, fresh);
    }
  }
  endLevel();
  return groups;
}

/** One level's groups, its single units of a shared stack key merged (at the first one's place). */
function stackSingles(groups: number[][], units: readonly ScheduleUnit[]): number[][] {
  const stacks = new Map<string, number[]>();
  const out: number[][] = [];
  for (const g of groups) {
    const key = g.length === 1 ? units[g[0]!]!.stackKey : undefined;
    const stack = key === undefined ? undefined : stacks.get(key);
    if (stack) stack.push(g[0]!);
    else {
      out.push(g);
      if (key !== undefined) stacks.set(key, g);
    }
  }
  return out;
}
