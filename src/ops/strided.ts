/**
 * The two strided primitives every slicing, padding and reversing op is built on. Each is the
 * other's gradient, so slices and pads are differentiable to any order:
 *   stridedView(x, begin, step): out[o] = x[begin + o * step]   (copy_strided)
 *   padStrided(x, begin, step):  out[begin + i * step] = x[i], padValue elsewhere   (pad_strided)
 */
import type { Tensor } from '../tensor.js';
import { sizeOf, stridesOf, type Shape } from '../shape.js';
import type { GradientTable } from '../autodiff/rules.js';
import { collapseDims } from './binary.js';
import { record } from './record.js';
import { keepValueRange } from './device_checks.js';
import { ByShape } from './shared_params.js';

/** What the strided primitives' backward rules see: x and where its elements go. */
export interface StridedContext {
  x: Tensor;
  begin: readonly number[];
  step: readonly number[];
  /**
   * copy_strided only: the view's own shape (one extent per dimension of x) when it was handed
   * out without its leading unit dimension (`index`); undefined when handed out as it is.
   */
  viewShape?: readonly number[];
}

/** The strided primitives the tape records (every slice, pad and reverse is one of them). */
export interface StridedContexts {
  copy_strided: StridedContext;
  pad_strided: StridedContext;
}

/** Each strided primitive's gradient is the other one. */
export const stridedGradients: GradientTable<StridedContexts> = {
  copy_strided: ({ x, begin, step, viewShape }, dy) => [padStrided('copy_strided (gradient)', viewShape ? dy.reshape(viewShape) : dy, x.shape, begin, step, 0)],
  pad_strided: ({ x, begin, step }, dy) => [stridedView('pad_strided (gradient)', dy, begin, step, x.shape)],
};

type CopyStridedParams = { outShape: number[]; inStrides: number[]; inOffset: number };

/** copy_strided's params for the view of shape `outShape` at (strides, offset): dimensions merged where they can be. */
function copyStridedParams(outShape: Shape, strides: readonly number[], offset: number): CopyStridedParams {
  const collapsed = collapseDims(outShape, [strides]);
  return { outShape: collapsed.shape, inStrides: collapsed.strides[0]!, inOffset: offset };
}

/**
 * @internal Copies the strided view (shape, strides in elements, offset) of x into a new
 * contiguous tensor. No gradient: callers record their own (transpose, broadcastTo, stridedView).
 */
export function copyStrided(x: Tensor, outShape: Shape, strides: readonly number[], offset: number): Tensor {
  return keepValueRange(x.engine.runKernel('copy_strided', [x], outShape, x.dtype, copyStridedParams(outShape, strides, offset)), x);
}

/**
 * @internal out[o] = x[begin + o * step] (per dimension) for o over outShape; steps are non-zero
 * and may be negative. The caller has checked that every read is inside x. Its gradient pads dy
 * back to x's shape with zeros.
 */
export function stridedView(opName: string, x: Tensor, begin: readonly number[], step: readonly number[], outShape: Shape): Tensor {
  return stridedPlanned(opName, x, stridedPlan(x.shape, begin, step, outShape, false));
}

/** A strided view of an x shape, ready to run: what its copy and its tape entry need. */
export interface StridedPlan {
  readonly begin: readonly number[];
  readonly step: readonly number[];
  /** The view's shape (one extent per dimension of x). */
  readonly outShape: readonly number[];
  /**
   * The view's leading dimension (extent 1) is dropped from the result (`index`: one op where a
   * view and a reshape would be two).
   */
  readonly dropLeading: boolean;
  /** The result's shape: outShape, without its leading dimension when dropLeading. */
  readonly resultShape: readonly number[];
  readonly params: CopyStridedParams;
}

function stridedPlan(shape: Shape, begin: readonly number[], step: readonly number[], outShape: Shape, dropLeading: boolean): StridedPlan {
  const strides = stridesOf(shape);
  let offset = 0;
  if (sizeOf(outShape) > 0) for (let d = 0; d < begin.length; d++) offset += begin[d]! * strides[d]!;
  // Each dimension's stride times its step, in place (stridesOf made the array for us).
  for (let d = 0; d < step.length; d++) strides[d] = strides[d]! * step[d]!;
  strides.length = step.length;
  // A leading dimension of extent 1 reads one place: its stride is nothing to the copy.
  if (dropLeading) strides.shift();
  const resultShape = dropLeading ? outShape.slice(1) : outShape;
  return { begin, step, outShape, dropLeading, resultShape, params: copyStridedParams(resultShape, strides, offset) };
}

/**
 * Strided plans of contiguous slices along one axis, per x shape and slice. `index` runs one for
 * every row an eager loop picks: the article's force loss picks 760 a step, and making their
 * begin, step and shape arrays and params anew was most of `index`'s cost and garbage. Everything
 * in a plan is frozen: kernels, tapes and backward rules only read it.
 */
export class SlicePlans {
  private readonly plans = new ByShape<StridedPlan>();

  /** The plan of x's slice [start, start + len) along `axis`; `asRow`: without the leading unit dimension. */
  get(shape: Shape, axis: number, start: number, len: number, asRow: boolean): StridedPlan {
    // One number per slice while it fits (it does for any shape a kernel binding holds).
    if (!Object.isFrozen(shape) || axis >= 32 || start >= 2 ** 20 || len >= 2 ** 20) return slicePlan(shape, axis, start, len, asRow);
    const key = ((axis * 2 + (asRow ? 1 : 0)) * 2 ** 20 + start) * 2 ** 20 + len;
    return this.plans.get(shape, key) ?? this.plans.set(shape, key, slicePlan(shape, axis, start, len, asRow));
  }
}

function slicePlan(shape: Shape, axis: number, start: number, len: number, asRow: boolean): StridedPlan {
  const rank = shape.length;
  const begin = new Array<number>(rank).fill(0);
  const step = new Array<number>(rank).fill(1);
  const size = [...shape];
  begin[axis] = start;
  size[axis] = len;
  const plan = stridedPlan(shape, begin, step, size, asRow);
  for (const a of [plan.begin, plan.step, plan.outShape, plan.resultShape, plan.params.outShape, plan.params.inStrides]) Object.freeze(a);
  Object.freeze(plan.params);
  return Object.freeze(plan);
}

/** @internal Runs a strided view's copy and records it (its gradient pads dy back to x's shape). */
export function stridedPlanned(opName: string, x: Tensor, plan: StridedPlan): Tensor {
  const e = x.engine;
  e.checkInputs(opName, [x]);
  const out = keepValueRange(e.runKernel('copy_strided', [x], plan.resultShape, x.dtype, plan.params), x);
  if (e.isRecording) record('copy_strided', out, [x], plan.dropLeading ? { x, begin: plan.begin, step: plan.step, viewShape: plan.outShape } : { x, begin: plan.begin, step: plan.step });
  return out;
}

/**
 * @internal out[begin + i * step] = x[i] (per dimension), padValue elsewhere, out of shape
 * outShape. The caller has checked that every x element lands inside out. Its gradient is the
 * strided view of dy at the same positions.
 */
export function padStrided(
  opName: string,
  x: Tensor,
  outShape: Shape,
  begin: readonly number[],
  step: readonly number[],
  padValue: number,
): Tensor {
  const e = x.engine;
  e.checkInputs(opName, [x]);
  // An empty x has nothing to place (and a begin that may point anywhere): all padding.
  const out =
    x.size === 0
      ? e.fill(outShape, padValue, x.dtype)
      : e.runKernel('pad_strided', [x], outShape, x.dtype, dropUnitDims({ outShape: [...outShape], inShape: [...x.shape], begin: [...begin], step: [...step], padValue }));
  record('pad_strided', out, [x], { x, begin, step });
  return out;
}

/** Drops dimensions of size 1 on both sides that hold their one element at 0: fewer index steps. */
function dropUnitDims<P extends { outShape: number[]; inShape: number[]; begin: number[]; step: number[] }>(p: P): P {
  const keep = p.outShape.map((o, d) => !(o === 1 && p.inShape[d] === 1 && p.begin[d] === 0));
  const pick = (v: number[]): number[] => v.filter((_, d) => keep[d]);
  return { ...p, outShape: pick(p.outShape), inShape: pick(p.inShape), begin: pick(p.begin), step: pick(p.step) };
}
