// The pool and the bind groups near the device's limits (src/backend/webgpu/device/): a size class
// never exceeds maxBufferSize (lavapipe's is 4294967295, not a power of two), and a pooled buffer
// whose size class is past maxStorageBufferBindingSize binds only what a binding may see.
import { describe, expect, it } from 'vitest';
import { BufferPool, type GpuBuffer } from '../../src/backend/webgpu/device/buffer_pool.js';
import { bindGroupEntries } from '../../src/backend/webgpu/device/bind_groups.js';
import type { CompiledKernel } from '../../src/backend/webgpu/device/pipelines.js';

const MiB = 2 ** 20;

describe('buffer sizes near the device limits', () => {
  it('rounds requests up to their size class, or to whole words where the class is past maxBufferSize', () => {
    const max = 4294967295;
    expect(BufferPool.sizeFor(100, max)).toBe(256);
    expect(BufferPool.sizeFor(134400000, max)).toBe(160 * MiB);
    // 3.9 GiB would round to 4 GiB, one byte more than lavapipe allows.
    const big = Math.round(3.9 * 1024 * MiB);
    expect(BufferPool.bucket(big)).toBe(4096 * MiB);
    expect(BufferPool.sizeFor(big, max)).toBe(Math.ceil(big / 4) * 4);
    expect(BufferPool.sizeFor(big, max)).toBeLessThanOrEqual(max);
  });

  it('binds a pooled buffer whole, unless its size class is past maxStorageBufferBindingSize', () => {
    const compiled = { uniformBinding: -1, uniformBytes: 0 } as unknown as CompiledKernel;
    const buffer = (numel: number, size: number): GpuBuffer => ({ numel, gpu: { size } as GPUBuffer, uid: 1, byteOffset: 0, isView: false });
    const uniforms = {} as GPUBuffer;
    const limit = 128 * MiB;
    // 120 MiB of values in a 128 MiB class: whole.
    expect(bindGroupEntries(compiled, [buffer(30 * MiB, 128 * MiB)], uniforms, limit)[0]!.resource).toEqual({ buffer: { size: 128 * MiB } });
    // A device whose binding limit is not a size class: 127 MiB of values in a 128 MiB class.
    const odd = 127.5 * MiB;
    const [entry] = bindGroupEntries(compiled, [buffer((127 * MiB) / 4, 128 * MiB)], uniforms, odd);
    expect(entry!.resource).toEqual({ buffer: { size: 128 * MiB }, size: odd });
    // Views bind their range.
    const view: GpuBuffer = { numel: 64, gpu: { size: 256 * MiB } as GPUBuffer, uid: 1, byteOffset: 1024, isView: true };
    expect(bindGroupEntries(compiled, [view], uniforms, limit)[0]!.resource).toEqual({ buffer: { size: 256 * MiB }, offset: 1024, size: 256 });
  });
});
