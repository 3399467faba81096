import { describe, expect, it } from 'vitest';
import { schedule, type ScheduleUnit } from '../../src/backend/webgpu/graph/schedule.js';
import type { GpuBuffer } from '../../src/backend/webgpu/device/buffer_pool.js';

const buffers = Array.from({ length: 8 }, (_, i) => ({ numel: 1, gpu: {}, uid: i + 1, byteOffset: 0, isView: false }) as unknown as GpuBuffer);
const [a, b, c, d, x, y] = buffers as [GpuBuffer, GpuBuffer, GpuBuffer, GpuBuffer, GpuBuffer, GpuBuffer];

describe('schedule (dependency levels and batches of a captured step)', () => {
  it('batches independent units of one key and keeps dependent ones apart', () => {
    const units: ScheduleUnit[] = [
      { reads: [x], writes: [a], batchKey: 'k' },
      { reads: [x], writes: [b], batchKey: 'k' },
      { reads: [a], writes: [c], batchKey: 'k' }, // depends on unit 0
      { reads: [y], writes: [d], batchKey: 'k' },
    ];
    expect(schedule(units)).toEqual([[0, 1, 3], [2]]);
  });

  it('orders a write after the reads of the old value (write after read)', () => {
    const units: ScheduleUnit[] = [
      { reads: [x], writes: [a], batchKey: 'k' },
      { reads: [a], writes: [x], batchKey: 'k' }, // overwrites x after unit 0 read it
      { reads: [y], writes: [b], batchKey: 'k' },
      { reads: [x], writes: [c], batchKey: 'k' }, // reads the new x
    ];
    const groups = schedule(units);
    const level = (i: number): number => groups.findIndex((g) => g.includes(i));
    expect(level(1)).toBeGreaterThan(level(0));
    expect(level(3)).toBeGreaterThan(level(1));
    expect(level(2)).toBe(level(0));
  });

  it('lets the disjoint blocks of a concat run together, before the readers of the result', () => {
    const units: ScheduleUnit[] = [
      { reads: [x], writes: [a], partialWrite: true, batchKey: 's' },
      { reads: [y], writes: [a], partialWrite: true, batchKey: 's' },
      { reads: [a], writes: [b] },
      { reads: [x], writes: [a], batchKey: 'w' }, // a full write: after the reader
    ];
    expect(schedule(units)).toEqual([[0, 1], [2], [3]]);
  });

  it('treats host code as a barrier', () => {
    const units: ScheduleUnit[] = [
      { reads: [x], writes: [a], batchKey: 'k' },
      { reads: [], writes: [], barrier: true },
      { reads: [y], writes: [b], batchKey: 'k' },
    ];
    expect(schedule(units)).toEqual([[0], [1], [2]]);
  });
});
