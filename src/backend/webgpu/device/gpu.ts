/**
 * Finds a WebGPU implementation: `navigator.gpu` in browsers, the host platform's GPU (Dawn, in
 * Node: src/backend/webgpu/node/dawn.ts) elsewhere. A real GPU adapter is preferred; Dawn falls
 * back to lavapipe when it is the only one.
 */
import { hostPlatform } from '../host_platform.js';

/** Returns navigator.gpu or Dawn's GPU object. */
export async function getGpu(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  const host = hostPlatform();
  if (host) return host.loadGpu();
  const inNode = typeof process !== 'undefined' && process.versions?.node;
  throw new Error(
    inNode
      ? "createEngine: WebGPU in Node needs the library's Node entry (import 'webgpu-descent', which resolves to it) and the 'webgpu' package"
      : 'createEngine: WebGPU is not available (no navigator.gpu); use { backend: "cpu" }',
  );
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

/**
 * Requests a device with the adapter's largest buffer limits (big models need them), and the
 * features some kernel variants use where the adapter has them: `timestamp-query` (the tuner's
 * and the profiler's GPU timings) and `subgroups` (src/backend/webgpu/tuning/variants.ts).
 */
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
  const requiredFeatures = (['timestamp-query', 'subgroups'] as GPUFeatureName[]).filter((f) => adapter.features.has(f));
  return adapter.requestDevice({ requiredLimits, requiredFeatures });
}
