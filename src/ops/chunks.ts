/**
 * Ops on tensors larger than one kernel binding may see (maxStorageBufferBindingSize on WebGPU,
 * 128 MiB on lavapipe) but within one buffer (maxBufferSize): the op runs its kernel once per
 * chunk, each binding a view of the inputs and of the output (`Engine.viewStorage`: a range of a
 * buffer starting at an aligned offset). Lazy plans and captured steps see ordinary nodes on
 * views. Only ops whose element i of the output depends on element i of the inputs chunk this
 * way (elementwise ops, fills); reductions build on it in reduce_chunks.ts. See limits.ts.
 */
import type { Engine } from '../engine.js';
import { Tensor, type DType, type Storage } from '../tensor.js';
import type { KernelId, KernelParams } from '../kernel_ids/registry.js';
import { sizeOf, type Shape } from '../shape.js';
import { checkElements } from './limits.js';

/** Whether a tensor of `numel` elements is more than one kernel binding may see on `e`. */
export function needsChunks(e: Engine, numel: number): boolean {
  return numel > e.limits.maxBinding;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * Consecutive [offset, length] ranges covering `total` elements, each at most one binding long and
 * starting at an offset that is a multiple of the view alignment. With `unit`, lengths (but the
 * last) are also multiples of `unit` (whole rows of a reduction).
 */
export function chunkRanges(e: Engine, total: number, unit = 1): [number, number][] {
  const { maxBinding, alignment } = e.limits;
  const step = (alignment / gcd(alignment, unit)) * unit;
  const length = Math.floor(maxBinding / step) * step;
  if (length === 0) throw new Error(`chunks: a chunk of ${step} elements is more than one binding (${maxBinding} elements)`);
  const ranges: [number, number][] = [];
  for (let offset = 0; offset < total; offset += length) ranges.push([offset, Math.min(length, total - offset)]);
  return ranges;
}

/**
 * The storage a chunked op views `t` through (the caller releases it): `t`'s own, or inside a
 * traced step (`e.compile`) a copy the step makes on every replay. A replay binds each argument's
 * new values by the identity of the buffer traced; views of it would keep reading the first call's.
 * The output is allocated for uploads ('host'): physical at once (a view needs memory to point
 * into) and, while tracing, the capture's own buffer.
 */
export function chunkSource(t: Tensor): Storage {
  const e = t.engine;
  if (!e.tracing) return t.storage.retain();
  const copy = e.allocStorage(t.size, 'host', t.shape);
  e.backend.copyBuffer(t.storage.buffer, copy.buffer, t.size);
  return copy;
}

/**
 * A tensor of `shape` viewing elements [offset, offset + size) of `source` (no kernel runs;
 * `offset` must be a multiple of the view alignment). The caller disposes it.
 */
export function viewOf(e: Engine, source: Storage, offset: number, shape: Shape, dtype: DType): Tensor {
  return e.track(new Tensor(e, e.viewStorage(source, offset, sizeOf(shape)), shape, dtype));
}

/**
 * Runs an elementwise kernel in chunks into a new tensor of `shape`: each input has the output's
 * size (viewed chunk by chunk, element i with element i) or holds one value (bound whole).
 * `params(n)` gives the kernel's parameters for a chunk of n elements. The caller records the op.
 */
export function elementwiseChunks<K extends KernelId>(
  e: Engine,
  kernel: K,
  inputs: readonly Tensor[],
  shape: Shape,
  dtype: DType,
  params: (n: number) => KernelParams<K>,
): Tensor {
  const total = sizeOf(shape);
  checkElements(e.limits, e.opName, shape, kernel);
  for (const t of inputs) {
    if (t.size !== total && t.size !== 1) throw new Error(`${e.opName}: chunks: an input of ${t.size} elements for an output of ${total}`);
  }
  const out = e.allocStorage(total, 'host', shape);
  const sources = inputs.map((t) => (t.size === total ? chunkSource(t) : t.storage.retain()));
  try {
    for (const [offset, n] of chunkRanges(e, total)) {
      const views: Storage[] = [];
      const view = (s: Storage): Storage => {
        const v = e.viewStorage(s, offset, n);
        views.push(v);
        return v;
      };
      try {
        const ins = inputs.map((t, i) => (t.size === total ? view(sources[i]!) : sources[i]!));
        e.runKernelOn(kernel, ins, [view(out)], params(n));
      } finally {
        for (const v of views) v.release();
      }
    }
  } catch (err) {
    out.release();
    throw err;
  } finally {
    for (const s of sources) s.release();
  }
  return e.madeBy(kernel, inputs, out, shape, dtype);
}
