/**
 * sum, max and min (and mean, through sum) of a tensor larger than one kernel binding may see
 * (chunks.ts): the reduction, seen as [rows, cols, inner] with the reduced axes as cols, runs on
 * views of the input.
 * - Whole rows per chunk, when a block of them fits one binding: each chunk's results are copied
 *   into the output at their rows (offsets aligned: the chunk's row count is chosen so).
 * - Otherwise a row is split into chunks of columns; their partial results are combined with the
 *   elementwise op of the reduction (add, maximum, minimum: NaN stays NaN), row by row.
 */
import type { DType, Storage, Tensor } from '../tensor.js';
import type { ReduceKernelId } from '../kernel_ids/reduce.js';
import { fmt, type Shape } from '../shape.js';
import { chunkSource, viewOf } from './chunks.js';

/** The reductions that work in chunks, and the elementwise op that combines two partial results. */
const combine = {
  reduce_sum: (a: Tensor, b: Tensor) => a.add(b),
  reduce_max: (a: Tensor, b: Tensor) => a.maximum(b),
  reduce_min: (a: Tensor, b: Tensor) => a.minimum(b),
} as const;

/** The kernels `reduceInChunks` serves. */
export type ChunkedReduceKernel = keyof typeof combine;

/** Whether `kernel` can reduce in chunks. */
export function reducesInChunks(kernel: ReduceKernelId): kernel is ChunkedReduceKernel {
  return kernel in combine;
}

/** Reduces one [rows, cols, inner] block over its cols: [rows * inner] (what reduceRows runs). */
export type ReduceBlock = (block: Tensor) => Tensor;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** One chunked reduction: what `reduceInChunks` was given, and the storage its chunks view. */
interface Job {
  kernel: ChunkedReduceKernel;
  op: string;
  x: Tensor;
  source: Storage;
  rows: number;
  cols: number;
  inner: number;
  outShape: Shape;
  dtype: DType;
  reduce: ReduceBlock;
}

/**
 * Reduces `x`, seen as [rows, cols, inner], over cols into a new tensor of `outShape`, in chunks.
 * `reduce` reduces one block of the same layout (a view) with the ordinary kernels.
 */
export function reduceInChunks(
  kernel: ChunkedReduceKernel,
  op: string,
  x: Tensor,
  view: { rows: number; cols: number; inner: number },
  outShape: Shape,
  dtype: DType,
  reduce: ReduceBlock,
): Tensor {
  const { maxBinding, alignment } = x.engine.limits;
  // Rows per chunk: a multiple of `unit`, so that both the input rows (cols * inner apart) and
  // the output rows (inner apart) start at aligned offsets.
  const unit = alignment / gcd(view.inner, alignment);
  const rowsPerChunk = Math.floor(maxBinding / (view.cols * view.inner) / unit) * unit;
  const source = chunkSource(x);
  const job: Job = { kernel, op, x, source, ...view, outShape, dtype, reduce };
  try {
    return rowsPerChunk > 0 ? byRows(job, rowsPerChunk) : byColumns(job, unit);
  } finally {
    source.release();
  }
}

/** Chunks of `rowsPerChunk` whole rows, each reduced and copied into the output at its rows. */
function byRows({ kernel, x, source, rows, cols, inner, outShape, dtype, reduce }: Job, rowsPerChunk: number): Tensor {
  const e = x.engine;
  const out = e.allocStorage(rows * inner, 'host', outShape);
  try {
    for (let r = 0; r < rows; r += rowsPerChunk) {
      const n = Math.min(rowsPerChunk, rows - r);
      const block = viewOf(e, source, r * cols * inner, [n, cols, inner], x.dtype);
      const part = reduce(block);
      block.dispose();
      const target = e.viewStorage(out, r * inner, n * inner);
      e.copyStorage(part.storage, target, n * inner);
      target.release();
      part.dispose();
    }
  } catch (err) {
    out.release();
    throw err;
  }
  return e.madeBy(kernel, [x], out, outShape, dtype);
}

/**
 * Rows longer than a binding: chunks of columns (a multiple of `unit`, so that their offsets
 * within the row are aligned), combined row by row; the rows themselves must start aligned.
 */
function byColumns({ kernel, op, x, source, rows, cols, inner, outShape, reduce }: Job, unit: number): Tensor {
  const e = x.engine;
  const { maxBinding, alignment } = e.limits;
  const rowSize = cols * inner;
  if (rows > 1 && rowSize % alignment !== 0) {
    throw new Error(
      `${op}: cannot work in chunks on shape ${fmt(x.shape)}: its rows of ${rowSize} elements are more than one kernel binding ` +
        `sees (${maxBinding} elements) and do not start at multiples of ${alignment} elements`,
    );
  }
  const colsPerChunk = Math.floor(maxBinding / inner / unit) * unit;
  if (colsPerChunk === 0) {
    throw new Error(`${op}: cannot work in chunks on shape ${fmt(x.shape)}: ${unit} columns of ${inner} elements are more than one kernel binding sees`);
  }
  const results: Tensor[] = [];
  for (let r = 0; r < rows; r++) {
    let acc: Tensor | null = null;
    for (let c = 0; c < cols; c += colsPerChunk) {
      const n = Math.min(colsPerChunk, cols - c);
      const block = viewOf(e, source, r * rowSize + c * inner, [1, n, inner], x.dtype);
      const part = reduce(block);
      block.dispose();
      if (acc === null) acc = part;
      else {
        const next: Tensor = combine[kernel](acc, part);
        acc.dispose();
        part.dispose();
        acc = next;
      }
    }
    results.push(acc!);
  }
  const joined = results.length === 1 ? results[0]! : e.concat(results, 0);
  if (joined !== results[0]) for (const t of results) t.dispose();
  const out = joined.reshape(outShape);
  joined.dispose();
  return out;
}
