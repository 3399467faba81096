/**
 * What the JavaScript host adds to the WebGPU backend. A browser needs nothing: `navigator.gpu`
 * is the GPU and the adapter's own waits are fine. Node needs a GPU object from Dawn, and on a
 * software adapter (lavapipe) three kinds of care that live in src/backend/webgpu/node/; the
 * Node entry (src/node.ts) installs them, so that browser bundles never carry that code.
 */
import type { TuningStore } from './tuning/store.js';

/** Awaits GPU work; may sleep instead of letting Dawn's poll take a core from a software driver. */
export interface GpuWaitPolicy {
  /** `newWork`: something was submitted since the last wait. `gpuWait` creates the Dawn promise. */
  wait<T>(newWork: boolean, gpuWait: () => Promise<T>): Promise<T>;
}

/** Refuses a dispatch (by throwing) before a driver resource would run out and crash the process. */
export interface DispatchGuard {
  /** Before a dispatch of `kernel`, `bindGroupsMade` bind groups having been made so far. */
  beforeDispatch(kernel: string, bindGroupsMade: number): void;
  /** After a wait on the GPU. */
  afterWait(): void;
}

/** The host's care for software adapters; every member may be null where the host has none. */
export interface SoftwareAdapterCare {
  /** Runs a full garbage collection (Dawn frees a bind group's descriptor set only then). */
  collectGarbage: (() => void) | null;
  waitPolicy: GpuWaitPolicy | null;
  dispatchGuard: DispatchGuard | null;
}

/** A host that is not a browser. */
export interface HostPlatform {
  /** The GPU object (Dawn's in Node), kept alive for the life of the process. */
  loadGpu(): Promise<GPU>;
  /** Fresh care objects for one backend on a software adapter. */
  softwareAdapterCare(): Promise<SoftwareAdapterCare>;
  /**
   * Where the kernel tuning table persists (Node: a JSON file, `path` or the user's cache
   * directory); absent: the browser's IndexedDB, or nowhere.
   */
  tuningStore?(path?: string): TuningStore;
  /** The autotune mode when createEngine is given none (Node: WEBGPU_DESCENT_AUTOTUNE), or undefined. */
  defaultAutotune?(): 'off' | 'cached' | 'on' | undefined;
}

let installed: HostPlatform | null = null;

/** Installs the host's platform (src/node.ts does, for Node). Later calls replace it. */
export function installHostPlatform(platform: HostPlatform): void {
  installed = platform;
}

/** The installed host platform, or null (a browser, or the browser bundle loaded elsewhere). */
export function hostPlatform(): HostPlatform | null {
  return installed;
}

/** What a host without a platform gives: nothing. */
export const noSoftwareAdapterCare: SoftwareAdapterCare = { collectGarbage: null, waitPolicy: null, dispatchGuard: null };
