/**
 * A block of backend calls kept for replay (src/autodiff/backward_replay.ts captures a backward
 * pass's calls once and replays them at every step). Flat arrays, because a replay reads
 * thousands of calls in a row: call c is `ops[c]`, with `counts[c]` and the buffer symbols
 * `syms[starts[c]..starts[c + 1])`. A symbol k >= 0 is the k-th buffer the block allocated;
 * -(i + 1) is the i-th external buffer the replay passes in.
 *
 * A backend may replay a whole block at once (`Backend.replayBlock`) where it can show that the
 * calls one by one would leave it in the same state: the WebGPU backend does so for a block its
 * pending graph recorded in the same place of the same expected plan before
 * (src/backend/webgpu/graph/block_replay.ts).
 */
import type { KernelId } from '../kernel_ids/registry.js';

/** ALLOC: `counts` elements, the backend's default `writtenBy`. */
export const ALLOC = 0;
/** FREE: one buffer. */
export const FREE = 1;
/** UPLOAD: one buffer, its values in `uploads` under the call's index. */
export const UPLOAD = 2;
/** RUN: `kernels[c]` with `params[c]`; inputs then outputs, `counts` inputs. */
export const RUN = 3;
/** COPY: source and destination, `counts` elements. */
export const COPY = 4;
/** BOUNDARY: the end of the outermost tidy scope (Backend.boundary). */
export const BOUNDARY = 5;
/** ALLOC with `writtenBy` 'device'. */
export const ALLOC_DEVICE = 6;
/** ALLOC with `writtenBy` 'host'. */
export const ALLOC_HOST = 7;

/** The calls of a block (see the file comment). */
export interface CallBlock {
  readonly ops: Uint8Array;
  readonly counts: Int32Array;
  readonly starts: Int32Array;
  readonly syms: Int32Array;
  readonly kernels: readonly (KernelId | undefined)[];
  readonly params: readonly (object | undefined)[];
  readonly uploads: ReadonlyMap<number, Float64Array>;
  /** Buffers the block allocates (the symbols 0..allocations-1). */
  readonly allocations: number;
}
