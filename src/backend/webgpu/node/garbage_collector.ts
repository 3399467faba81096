/** A full garbage collection on demand, for software adapters (see webgpu_backend.ts). */

/**
 * A function that runs a full garbage collection, or null (browsers, or a Node without
 * V8's flag API). Dawn releases a bind group's Vulkan descriptor set only once V8 has collected its
 * JS wrapper, and lavapipe spends one memory map per live descriptor set: an eager loop of tens of
 * thousands of dispatches between collections reaches the kernel's map limit (vm.max_map_count,
 * 65530) and dies in vkCreateDescriptorPool. The backend calls this before it awaits the GPU once
 * many bind groups were made (src/backend/webgpu/webgpu_backend.ts). `--expose-gc` is set only
 * on the first call, so processes that never need it keep V8's defaults.
 */
export async function nodeGarbageCollector(): Promise<(() => void) | null> {
  if (typeof process === 'undefined' || !process.versions?.node) return null;
  const v8Name = 'node:v8';
  const vmName = 'node:vm';
  try {
    const v8 = (await import(/* @vite-ignore */ v8Name)) as { setFlagsFromString: (flags: string) => void };
    const vm = (await import(/* @vite-ignore */ vmName)) as { runInNewContext: (code: string) => unknown };
    let gc: (() => void) | null = null;
    return () => {
      const exposed = (globalThis as { gc?: () => void }).gc;
      if (exposed) return exposed();
      if (!gc) {
        v8.setFlagsFromString('--expose-gc');
        gc = vm.runInNewContext('gc') as () => void;
      }
      gc();
    };
  } catch {
    return null;
  }
}
