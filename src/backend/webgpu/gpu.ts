/**
 * Finds a WebGPU implementation: `navigator.gpu` in browsers, the `webgpu` package (Dawn) in Node.
 * In Node a real GPU adapter is preferred; Dawn falls back to lavapipe when it is the only one.
 */

// Dawn crashes the process if the object returned by create() is garbage-collected while
// devices live, so it is kept here for the life of the process.
let nodeGpu: GPU | undefined;

async function loadNodeGpu(): Promise<GPU> {
  if (nodeGpu) return nodeGpu;
  const moduleName = 'webgpu';
  let mod: { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
  try {
    mod = (await import(/* @vite-ignore */ moduleName)) as typeof mod;
  } catch (err) {
    throw new Error(`createEngine: no navigator.gpu and the 'webgpu' package could not be loaded (${String(err)})`);
  }
  // GPUBufferUsage, GPUMapMode, ... are globals in browsers; Dawn provides them separately.
  for (const [k, v] of Object.entries(mod.globals)) {
    if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  }
  nodeGpu = mod.create([]);
  return nodeGpu;
}

/**
 * Node only: a function that runs a full garbage collection, or null (browsers, or a Node without
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

/** Returns navigator.gpu or Dawn's GPU object. */
export async function getGpu(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (typeof process !== 'undefined' && process.versions?.node) return loadNodeGpu();
  throw new Error('createEngine: WebGPU is not available (no navigator.gpu); use { backend: "cpu" }');
}

/** Requests the best adapter: a hardware one first, else the software fallback. */
export async function requestAdapter(gpu: GPU, powerPreference: GPUPowerPreference = 'high-performance'): Promise<GPUAdapter> {
  const adapter =
    (await gpu.requestAdapter({ powerPreference })) ?? (await gpu.requestAdapter({ forceFallbackAdapter: true }));
  if (!adapter) {
    throw new Error(
      'createEngine: no WebGPU adapter. In Node install lavapipe (bash scripts/setup-system.sh) or use { backend: "cpu" }',
    );
  }
  return adapter;
}

/** Requests a device with the adapter's largest buffer limits (big models need them). */
export async function requestDevice(adapter: GPUAdapter): Promise<GPUDevice> {
  const want: (keyof GPUSupportedLimits)[] = [
    'maxStorageBufferBindingSize',
    'maxBufferSize',
    'maxComputeWorkgroupStorageSize',
    'maxComputeInvocationsPerWorkgroup',
    'maxComputeWorkgroupSizeX',
    'maxComputeWorkgroupSizeY',
    'maxStorageBuffersPerShaderStage',
  ];
  const requiredLimits: Record<string, number> = {};
  for (const k of want) requiredLimits[k] = adapter.limits[k] as number;
  const requiredFeatures: GPUFeatureName[] = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
  return adapter.requestDevice({ requiredLimits, requiredFeatures });
}
