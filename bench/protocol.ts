/**
 * Messages from a benchmark worker process to the orchestrator (main.ts), one JSON object per
 * line on file descriptor 3. Cases run in worker processes so that a native crash (Dawn, or
 * lavapipe's LLVM aborting on a shader it cannot compile) costs one case, not the whole run.
 */
import type { CaseProfile } from './profile.js';
import type { CaseResult } from './runner.js';

/** What the worker found: the adapter, TensorFlow.js and the machine. */
export interface RunEnvironment {
  adapter: { backend: string; vendor: string; architecture: string; device: string; description: string; isSoftware: boolean; timestampQuery: boolean };
  node: string;
  machine: { cpus: number; cpuModel: string; loadAverage1m: number; vkIcd: string | null };
  tfjs: { version: string; webgpu: boolean; wasm: boolean; wasmFlavour: string; notes: string[] } | null;
}

export type WorkerMessage =
  | { type: 'environment'; environment: RunEnvironment }
  | { type: 'start'; id: string }
  | { type: 'side'; id: string; side: string }
  | { type: 'case'; result: CaseResult }
  | { type: 'profile'; profile: CaseProfile };

/** The descriptor workers write messages to. */
export const messageFd = 3;
