import type { GpuBuffer } from './buffer_pool.js';
import type { CompiledKernel } from './pipelines.js';

/**
 * The entries of a kernel's bind group: its storage buffers in binding order, then the uniform
 * struct as a window of `uniforms` (bound with a dynamic offset). Pooled buffers bind whole, so
 * one bind group stays valid for every tensor that reuses the buffer; views bind exactly their
 * range (a variable inside a parameter arena). A pooled buffer whose size class is larger than a
 * binding may be (`maxBindingBytes`, the device's maxStorageBufferBindingSize) binds its first
 * `maxBindingBytes`: the tensor in it fits there (Engine.runKernel refuses larger ones).
 */
export function bindGroupEntries(compiled: CompiledKernel, buffers: readonly GpuBuffer[], uniforms: GPUBuffer, maxBindingBytes = Infinity): GPUBindGroupEntry[] {
  const entries: GPUBindGroupEntry[] = buffers.map((b, i) => ({
    binding: i,
    resource: b.isView
      ? { buffer: b.gpu, offset: b.byteOffset, size: Math.max(b.numel, 1) * 4 }
      : // Size classes are at most twice the request: only large requests need the buffer's size.
        b.numel * 8 > maxBindingBytes && b.gpu.size > maxBindingBytes
        ? { buffer: b.gpu, size: Math.floor(maxBindingBytes / 4) * 4 }
        : { buffer: b.gpu },
  }));
  if (compiled.uniformBinding >= 0) {
    entries.push({
      binding: compiled.uniformBinding,
      resource: { buffer: uniforms, offset: 0, size: Math.max(compiled.uniformBytes, 16) },
    });
  }
  return entries;
}

/** Cache key of a bind group: the pipeline and the identity (and range, for views) of each buffer. */
export function bindGroupKey(compiled: CompiledKernel, buffers: readonly GpuBuffer[]): string {
  let key = `${compiled.uid}`;
  for (const b of buffers) key += b.isView ? `:${b.uid}@${b.byteOffset}+${b.numel}` : `:${b.uid}`;
  return key;
}
