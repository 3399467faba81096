/**
 * Installs Node's host platform (host_platform.ts): Dawn as the GPU, and for software adapters a
 * garbage collector, the sleeping wait of software_gpu_wait.ts and, on Linux, the memory-map
 * guard of memory_maps.ts; the kernel tuning table as a file (tuning_cache.ts). Imported for its
 * effect by the Node entry (src/node.ts) only.
 */
import { installHostPlatform } from '../host_platform.js';
import { loadNodeGpu } from './dawn.js';
import { nodeGarbageCollector } from './garbage_collector.js';
import { MemoryMapGuard, nodeMemoryMapsProbe } from './memory_maps.js';
import { nodeWaitClock, SoftwareGpuWait } from './software_gpu_wait.js';
import { autotuneFromEnvironment, fileTuningStore } from './tuning_cache.js';

installHostPlatform({
  loadGpu: loadNodeGpu,
  async softwareAdapterCare() {
    const [collectGarbage, clock, maps] = await Promise.all([nodeGarbageCollector(), nodeWaitClock(), nodeMemoryMapsProbe()]);
    return {
      collectGarbage,
      waitPolicy: clock ? new SoftwareGpuWait(clock) : null,
      dispatchGuard: maps ? new MemoryMapGuard(maps) : null,
    };
  },
  tuningStore: fileTuningStore,
  defaultAutotune: autotuneFromEnvironment,
});
