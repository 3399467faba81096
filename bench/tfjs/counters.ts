/**
 * Dispatch, submit and readback counters for tfjs's WebGPU backend, which keeps none: its own
 * methods are wrapped on the backend instance (internal calls go through `this`, so they count).
 * Names are those of tfjs-backend-webgpu 4.22's WebGPUBackend.
 */

/** Counts since the backend was wrapped. */
export interface TfjsCounters {
  dispatches: number;
  submits: number;
  readbacks: number;
}

type Method = (...args: unknown[]) => unknown;

/** Wraps `recordAndSubmit` (one compute dispatch), `submitQueue` and `getBufferData` (a readback). */
export function countTfjsWebGpu(backend: object): TfjsCounters | null {
  const b = backend as Record<string, Method>;
  const names = { dispatches: 'recordAndSubmit', submits: 'submitQueue', readbacks: 'getBufferData' } as const;
  if (!Object.values(names).every((m) => typeof b[m] === 'function')) return null;
  const counts: TfjsCounters = { dispatches: 0, submits: 0, readbacks: 0 };
  for (const [counter, method] of Object.entries(names) as [keyof TfjsCounters, string][]) {
    const original = b[method]!;
    b[method] = function (this: unknown, ...args: unknown[]) {
      counts[counter]++;
      return original.apply(this, args);
    };
  }
  return counts;
}
