import type { Engine } from '../engine.js';
import type { Tensor, DType } from '../tensor.js';
import { fmt, frozenShape, sizeOf, stridesOf, type Shape } from '../shape.js';
import { collapseDims } from './binary.js';
import { installEngineFunctions } from './define.js';
import type { DropEngine } from './creation.js';
import { insertionAxis } from './layout.js';
import type { GradientTable } from '../autodiff/rules.js';
import { record } from './record.js';
import { keepValueRange } from './device_checks.js';
import { checkTensorList } from './validate.js';
import { checkKernelSizes } from './limits.js';
import { describeValue } from '../values.js';
import { ByShape } from './shared_params.js';

function joinedDtype(xs: readonly Tensor[]): DType {
  const first = xs[0]!.dtype;
  if (xs.every((x) => x.dtype === first)) return first;
  return xs.some((x) => x.dtype === 'float32') ? 'float32' : 'int32';
}

type ScatterParams = { inShape: number[]; outStrides: number[]; outOffset: number };

/**
 * scatter_strided params per input shape, output shape and block, frozen: an eager force-loss
 * step stacks 380 scalars a step, and their params were most of stack's garbage. Kernels and
 * recordings only read them.
 */
const blockParams = new WeakMap<Shape, ByShape<ScatterParams>>();

function scatterParams(inShape: Shape, outShape: Shape, outStrides: readonly number[], axis: number, start: number): ScatterParams {
  if (!Object.isFrozen(inShape) || !Object.isFrozen(outShape) || axis >= 32 || start >= 2 ** 40) return blockParamsOf(inShape, outStrides, axis, start);
  let byIn = blockParams.get(outShape);
  if (byIn === undefined) blockParams.set(outShape, (byIn = new ByShape()));
  const key = start * 32 + axis;
  const known = byIn.get(inShape, key);
  if (known) return known;
  const params = blockParamsOf(inShape, outStrides, axis, start);
  Object.freeze(params.inShape);
  Object.freeze(params.outStrides);
  return byIn.set(inShape, key, Object.freeze(params));
}

function blockParamsOf(inShape: Shape, outStrides: readonly number[], axis: number, start: number): ScatterParams {
  const collapsed = collapseDims(inShape, [outStrides]);
  return { inShape: collapsed.shape, outStrides: collapsed.strides[0]!, outOffset: start * outStrides[axis]! };
}

/**
 * Writes each input into its block of one new tensor with one scatter_strided dispatch per
 * input. The blocks tile the output, so it needs no zero fill. Engine.runKernel makes a fresh
 * output per kernel, hence the by-hand storage here (the same steps runKernel takes).
 */
function scatterBlocks(e: Engine, xs: readonly Tensor[], shape: Shape, dtype: DType, axis: number, blockShape?: Shape): Tensor {
  // Shared per shape where small (frozenShape), so that the block params are too.
  const outShape = frozenShape(shape);
  const outStrides = stridesOf(outShape);
  checkKernelSizes(e, 'scatter_strided', xs, [outShape]);
  const storage = e.allocStorage(sizeOf(outShape), 'host', outShape);
  try {
    let start = 0;
    for (const x of xs) {
      // `blockShape`: every input's block (stack: its shape with a unit axis), else its own shape.
      const block = blockShape ?? x.shape;
      if (x.size > 0) e.runKernelOn('scatter_strided', [x.storage], [storage], scatterParams(block, outShape, outStrides, axis, start));
      start += block[axis]!;
    }
  } catch (err) {
    storage.release();
    throw err;
  }
  return e.madeBy('scatter_strided', xs, storage, outShape, dtype);
}

/** The joins the tape records. */
export interface JoinContexts {
  concat: { tensors: readonly Tensor[]; axis: number };
  stack: { tensors: readonly Tensor[]; axis: number };
}

/** The gradient of each joined input is its slice of dy. */
export const joinGradients: GradientTable<JoinContexts> = {
  concat: ({ tensors, axis }, dy) => {
    let start = 0;
    return tensors.map((t) => {
      const part = dy.slice(t.shape.map((_, i) => (i === axis ? start : 0)), t.shape);
      start += t.shape[axis]!;
      return part;
    });
  },
  // Each input's gradient is its slice of dy along the new axis, without that axis.
  stack: ({ tensors, axis }, dy, needed) => {
    const size = dy.shape.map((d, k) => (k === axis ? 1 : d));
    return tensors.map((t, i) => (needed[i] ? dy.slice(dy.shape.map((_, k) => (k === axis ? i : 0)), size).reshape(t.shape) : null));
  },
};

/** Joining ops on the engine: `e.concat([a, b], axis)`, `e.stack([a, b], axis)`. */
export const joinFunctions = {
  /**
   * Joins tensors along an existing `axis` (tf.concat). Shapes must agree elsewhere. Mixed
   * dtypes join as float32 (int32 with bool as int32). The gradient of each input is its slice.
   */
  concat: (e: Engine, tensors: readonly Tensor[], axis = 0): Tensor => {
    checkTensorList('concat', 'tensors', tensors);
    e.checkInputs('concat', tensors);
    // Formatted for errors only: a force-loss step joins hundreds of lists.
    const shapes = (): string => tensors.map((t) => fmt(t.shape)).join(', ');
    const first = tensors[0]!;
    if (first.rank === 0) throw new Error(`concat: scalars (shapes ${shapes()}) have no axis to join along; use stack`);
    if (!Number.isInteger(axis) || axis < -first.rank || axis >= first.rank) {
      throw new Error(`concat: axis ${describeValue(axis)} is out of range for shapes ${shapes()} (rank ${first.rank})`);
    }
    const a = axis < 0 ? axis + first.rank : axis;
    for (const t of tensors) {
      if (t.rank !== first.rank || t.shape.some((d, i) => i !== a && d !== first.shape[i])) {
        throw new Error(`concat: shapes ${shapes()} differ outside axis ${a}`);
      }
    }
    if (tensors.length === 1) return first.clone();
    const outShape = first.shape.map((d, i) => (i === a ? tensors.reduce((acc, t) => acc + t.shape[a]!, 0) : d));
    const out = keepValueRange(scatterBlocks(e, tensors, outShape, joinedDtype(tensors), a), ...tensors);
    record('concat', out, tensors, { tensors: [...tensors], axis: a });
    return out;
  },
  /**
   * Joins same-shaped tensors along a new `axis` (tf.stack). The gradient of each input is its
   * slice of dy. One op on the tape: an eager force-loss step stacks 380 scalars, and the
   * expanded view of each (a tensor and a tape entry) made 380 of its 6,183 tape entries.
   */
  stack: (e: Engine, tensors: readonly Tensor[], axis = 0): Tensor => {
    checkTensorList('stack', 'tensors', tensors);
    e.checkInputs('stack', tensors);
    const first = tensors[0]!;
    if (tensors.some((t) => t.rank !== first.rank || t.shape.some((d, i) => d !== first.shape[i]))) {
      throw new Error(`stack: shapes ${tensors.map((t) => fmt(t.shape)).join(', ')} differ`);
    }
    const a = insertionAxis('stack', axis, first.shape);
    const blockShape = frozenShape([...first.shape.slice(0, a), 1, ...first.shape.slice(a)]);
    const outShape = [...first.shape.slice(0, a), tensors.length, ...first.shape.slice(a)];
    const out = keepValueRange(scatterBlocks(e, tensors, outShape, joinedDtype(tensors), a, blockShape), ...tensors);
    record('stack', out, tensors, { tensors: [...tensors], axis: a });
    return out;
  },
};

type JoinFunctions = DropEngine<typeof joinFunctions>;

declare module '../engine.js' {
  interface Engine extends JoinFunctions {}
}

installEngineFunctions(joinFunctions);
