import type { TensorLike } from '../engine.js';
import { Tensor, type DType } from '../tensor.js';
import type { BinaryKernelId } from '../kernel_ids/binary.js';
import { broadcastShapes, broadcastStrides, shapesEqual, sizeOf, type Shape } from '../shape.js';
import { zeroGradient, type GradientTable, type GradRule } from '../autodiff/rules.js';
import { checkTensorLike, engineOf, installOps, type AsMethods } from './define.js';
import { powScalar } from './unary.js';
import { record } from './record.js';
import { elementwiseChunks, needsChunks } from './chunks.js';
import { ParamsByLength } from './shared_params.js';

/** What a binary op's backward rule sees: its operands (as broadcast) and its output. */
export interface BinaryContext {
  a: Tensor;
  b: Tensor;
  out: Tensor;
}

/** where(cond, a, b)'s context. */
export interface WhereContext {
  cond: Tensor;
  a: Tensor;
  b: Tensor;
}

/** The binary ops the tape records: every binary kernel id. */
export type BinaryContexts = { [K in BinaryKernelId]: BinaryContext } & { where: WhereContext };

/** How the output dtype follows the inputs. */
type DtypeRule = 'arith' | 'float' | 'bool';

/**
 * Drops size-1 dimensions and merges neighbours that every operand walks contiguously, so the
 * kernel's index loop runs over as few dimensions as possible ([2,3,4] + [2,3,4] becomes [24]).
 */
export function collapseDims(shape: Shape, strideLists: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  // Plain loops: this runs for every broadcasting op, and closures per dimension were most of
  // an eager op's garbage.
  const lists = strideLists.length;
  const outShape: number[] = [];
  const outStrides: number[][] = [];
  for (let k = 0; k < lists; k++) outStrides.push([]);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = outShape.length - 1;
    let mergeable = last >= 0;
    for (let k = 0; k < lists && mergeable; k++) mergeable = outStrides[k]![last] === strideLists[k]![d]! * size;
    if (mergeable) {
      outShape[last]! *= size;
      for (let k = 0; k < lists; k++) outStrides[k]![last] = strideLists[k]![d]!;
    } else {
      outShape.push(size);
      for (let k = 0; k < lists; k++) outStrides[k]!.push(strideLists[k]![d]!);
    }
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * The kernel params of a binary op whose operands have shape `shape` or a single element (the
 * common cases: no broadcasting to work out): one flat dimension, each side stepping 1 or 0.
 */
function flatParams(n: number, aSize: number, bSize: number): BinaryParams {
  // Shared per length and operand kind (shared_params.ts): an eager step of the force loss
  // makes about 9,000 binary ops over a handful of lengths.
  return flatParamsByKind[n !== 1 && aSize === 1 ? 1 : n !== 1 && bSize === 1 ? 2 : 0]!.get(n);
}

type BinaryParams = { readonly outShape: number[]; readonly aStrides: number[]; readonly bStrides: number[] };

/** flatParams' objects for: both operands full, a single a, a single b. */
const flatParamsByKind = [0, 1, 2].map(
  (kind) =>
    new ParamsByLength<BinaryParams>((n) =>
      n === 1
        ? { outShape: [], aStrides: [], bStrides: [] }
        : { outShape: Object.freeze([n]) as number[], aStrides: Object.freeze([kind === 1 ? 0 : 1]) as number[], bStrides: Object.freeze([kind === 2 ? 0 : 1]) as number[] },
    ),
);

function resultDtype(rule: DtypeRule, a: Tensor, b: Tensor): DType {
  if (rule === 'bool') return 'bool';
  if (rule === 'float') return 'float32';
  return a.dtype === 'float32' || b.dtype === 'float32' ? 'float32' : 'int32';
}

/** Numbers become constants of the other operand's dtype when they fit it (int32 + 1 stays int32). */
function dtypeFor(v: TensorLike, other: TensorLike): DType {
  return typeof v === 'number' && typeof other !== 'number' && other.dtype !== 'float32' && Number.isInteger(v) ? other.dtype : 'float32';
}

/** @internal Reduces a broadcast gradient back to `shape` by summing the broadcast dimensions. */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length > 0 ? g.sum(axes, true) : g;
  return summed.reshape(shape);
}

function binary(kernel: BinaryKernelId, opName: string, a: TensorLike, b: TensorLike, rule: DtypeRule): Tensor {
  // Written for speed: this runs for most ops of an eager step (one array of inputs, no tuples).
  checkTensorLike(opName, a);
  checkTensorLike(opName, b);
  const e = engineOf(opName, a, b);
  const x = e.toTensor(opName, a, dtypeFor(a, b));
  const y = e.toTensor(opName, b, dtypeFor(b, a));
  const inputs = [x, y];
  e.checkInputs(opName, inputs);
  let outShape: Shape;
  const dtype = resultDtype(rule, x, y);
  let params: BinaryParams;
  const xOne = x.size === 1 && x.rank <= y.rank;
  if (xOne || (y.size === 1 && y.rank <= x.rank) || shapesEqual(x.shape, y.shape)) {
    // Same shapes, or a single value against a tensor of at least its rank: no broadcasting.
    outShape = xOne ? y.shape : x.shape;
    params = flatParams(xOne ? y.size : x.size, x.size, y.size);
  } else {
    outShape = broadcastShapes(opName, x.shape, y.shape);
    const collapsed = collapseDims(outShape, [broadcastStrides(x.shape, outShape), broadcastStrides(y.shape, outShape)]);
    params = { outShape: collapsed.shape, aStrides: collapsed.strides[0]!, bStrides: collapsed.strides[1]! };
  }
  const out = needsChunks(e, sizeOf(outShape)) ? binaryChunks(kernel, x, y, outShape, dtype) : e.runKernel(kernel, inputs, outShape, dtype, params);
  if (e.isRecording) record(kernel, out, inputs, { a: x, b: y, out });
  return out;
}

function binaryKernel(kernel: BinaryKernelId, x: Tensor, y: Tensor, outShape: Shape, dtype: DType): Tensor {
  const collapsed = collapseDims(outShape, [broadcastStrides(x.shape, outShape), broadcastStrides(y.shape, outShape)]);
  return x.engine.runKernel(kernel, [x, y], outShape, dtype, {
    outShape: collapsed.shape,
    aStrides: collapsed.strides[0]!,
    bStrides: collapsed.strides[1]!,
  });
}

/**
 * A binary op whose output is more than one kernel binding (chunks.ts): in chunks when each
 * operand has the output's size or is a single value; otherwise the kernel refuses it (its
 * broadcast reads could reach anywhere in an operand).
 */
function binaryChunks(kernel: BinaryKernelId, x: Tensor, y: Tensor, outShape: Shape, dtype: DType): Tensor {
  const total = sizeOf(outShape);
  const chunkable = (t: Tensor): boolean => t.size === total || t.size === 1;
  if (!chunkable(x) || !chunkable(y)) return binaryKernel(kernel, x, y, outShape, dtype);
  const stride = (t: Tensor): number[] => [t.size === 1 ? 0 : 1];
  return elementwiseChunks(x.engine, kernel, [x, y], outShape, dtype, (n) => ({ outShape: [n], aStrides: stride(x), bStrides: stride(y) }));
}

/**
 * A binary rule from (da, db) before the reduction over broadcast dimensions; `need` says which
 * the tape wants, and a rule skips the other (the gradient of x·2 for the constant 2 is unused).
 */
function broadcastRule(f: (c: BinaryContext, dy: Tensor, need: readonly boolean[]) => [Tensor | null, Tensor | null]): GradRule<BinaryContext> {
  return (c, dy, needed) => {
    const [da, db] = f(c, dy, needed);
    return [needed[0] && da ? sumToShape(da, c.a.shape) : null, needed[1] && db ? sumToShape(db, c.b.shape) : null];
  };
}

/** Gradient routing of maximum/minimum: ties split equally between the two inputs (TensorFlow). */
function extremumRule(pick: 'greater' | 'less'): GradRule<BinaryContext> {
  return broadcastRule(({ a, b }, dy, need) => {
    const aWins = pick === 'greater' ? a.greater(b) : a.less(b);
    const tie = a.equal(b).mul(0.5);
    const wa = aWins.add(tie);
    return [dy.mul(wa), need[1] ? dy.mul(wa.neg().add(1)) : null];
  });
}

/**
 * Backward rules of the binary ops and where. Comparisons, logical ops and floorDiv have a zero
 * derivative wherever one exists: their outputs are constants to the tape.
 */
export const binaryGradients: GradientTable<BinaryContexts> = {
  add: broadcastRule((_c, dy) => [dy, dy]),
  sub: broadcastRule((_c, dy, need) => [dy, need[1] ? dy.neg() : null]),
  mul: broadcastRule(({ a, b }, dy, need) => [need[0] ? dy.mul(b) : null, need[1] ? dy.mul(a) : null]),
  // d(a/b)/db = -(a/b)/b: -(dy/b)·out, which shares dy/b with the gradient for a.
  div: broadcastRule(({ b, out }, dy, need) => {
    const overB = dy.div(b);
    return [overB, need[1] ? overB.mul(out).neg() : null];
  }),
  // The gradient for the exponent is dy·a^b·log(a), taken as 0 where a <= 0.
  pow: broadcastRule(({ a, b, out }, dy, need) => [
    need[0] ? dy.mul(b).mul(a.pow(b.sub(1))) : null,
    need[1] ? dy.mul(out).mul(a.greater(0).where(a, 1).log()) : null,
  ]),
  maximum: extremumRule('greater'),
  minimum: extremumRule('less'),
  atan2: broadcastRule(({ a, b }, dy, need) => {
    const r2 = a.square().add(b.square());
    return [need[0] ? dy.mul(b).div(r2) : null, need[1] ? dy.mul(a).div(r2).neg() : null];
  }),
  squared_difference: broadcastRule(({ a, b }, dy, need) => {
    const g = dy.mul(a.sub(b)).mul(2);
    return [g, need[1] ? g.neg() : null];
  }),
  // (dy, -dy·floor(a/b)).
  mod: broadcastRule(({ a, b }, dy, need) => [dy, need[1] ? dy.mul(a.floorDiv(b)).neg() : null]),
  floor_div: zeroGradient,
  equal: zeroGradient,
  not_equal: zeroGradient,
  greater: zeroGradient,
  greater_equal: zeroGradient,
  less: zeroGradient,
  less_equal: zeroGradient,
  logical_and: zeroGradient,
  logical_or: zeroGradient,
  where: ({ cond, a, b }, dy, needed) => {
    const zero = dy.zerosLike();
    return [null, needed[1] ? sumToShape(cond.where(dy, zero), a.shape) : null, needed[2] ? sumToShape(cond.where(zero, dy), b.shape) : null];
  },
};

/** Binary ops with numpy broadcasting; numbers are accepted for either operand. */
export const binaryOps = {
  add: (a: TensorLike, b: TensorLike): Tensor => binary('add', 'add', a, b, 'arith'),
  sub: (a: TensorLike, b: TensorLike): Tensor => binary('sub', 'sub', a, b, 'arith'),
  mul: (a: TensorLike, b: TensorLike): Tensor => binary('mul', 'mul', a, b, 'arith'),
  /** True division (float32 result, also for int32 operands). */
  div: (a: TensorLike, b: TensorLike): Tensor => binary('div', 'div', a, b, 'float'),
  /**
   * a^b. With a number exponent a dedicated kernel runs (integer exponents work for negative a);
   * the gradient for b is dy·a^b·log(a), taken as 0 where a <= 0.
   */
  pow: (a: TensorLike, b: TensorLike): Tensor => {
    if (typeof b === 'number' && a instanceof Tensor) return powScalar(a, b);
    return binary('pow', 'pow', a, b, 'arith');
  },
  /** Elementwise max; at ties each input gets half the gradient; NaN in either gives NaN. */
  maximum: (a: TensorLike, b: TensorLike): Tensor => binary('maximum', 'maximum', a, b, 'arith'),
  /** Elementwise min; at ties each input gets half the gradient; NaN in either gives NaN. */
  minimum: (a: TensorLike, b: TensorLike): Tensor => binary('minimum', 'minimum', a, b, 'arith'),
  /** atan2(a, b): the angle of the point (b, a). */
  atan2: (a: TensorLike, b: TensorLike): Tensor => binary('atan2', 'atan2', a, b, 'float'),
  /** (a - b)². */
  squaredDifference: (a: TensorLike, b: TensorLike): Tensor => binary('squared_difference', 'squaredDifference', a, b, 'arith'),
  /** Python-style modulo (sign of the divisor); gradient (dy, -dy·floor(a/b)). */
  mod: (a: TensorLike, b: TensorLike): Tensor => binary('mod', 'mod', a, b, 'arith'),
  /** floor(a / b) (zero gradient). */
  floorDiv: (a: TensorLike, b: TensorLike): Tensor => binary('floor_div', 'floorDiv', a, b, 'arith'),
  equal: (a: TensorLike, b: TensorLike): Tensor => binary('equal', 'equal', a, b, 'bool'),
  /** a != b; true where either is NaN. */
  notEqual: (a: TensorLike, b: TensorLike): Tensor => binary('not_equal', 'notEqual', a, b, 'bool'),
  greater: (a: TensorLike, b: TensorLike): Tensor => binary('greater', 'greater', a, b, 'bool'),
  greaterEqual: (a: TensorLike, b: TensorLike): Tensor => binary('greater_equal', 'greaterEqual', a, b, 'bool'),
  less: (a: TensorLike, b: TensorLike): Tensor => binary('less', 'less', a, b, 'bool'),
  lessEqual: (a: TensorLike, b: TensorLike): Tensor => binary('less_equal', 'lessEqual', a, b, 'bool'),
  /** Nonzero (NaN included) counts as true. */
  logicalAnd: (a: TensorLike, b: TensorLike): Tensor => binary('logical_and', 'logicalAnd', a, b, 'bool'),
  logicalOr: (a: TensorLike, b: TensorLike): Tensor => binary('logical_or', 'logicalOr', a, b, 'bool'),
  /**
   * Picks `a` where `cond` is nonzero (NaN included), else `b`, broadcasting all three. As a
   * method the receiver is the condition: `cond.where(a, b)`.
   */
  where: (cond: TensorLike, a: TensorLike, b: TensorLike): Tensor => {
    for (const v of [cond, a, b]) checkTensorLike('where', v);
    const e = engineOf('where', cond, a, b);
    const [c, x, y] = [e.toTensor('where', cond), e.toTensor('where', a), e.toTensor('where', b)];
    e.checkInputs('where', [c, x, y]);
    const outShape = broadcastShapes('where', broadcastShapes('where', c.shape, x.shape), y.shape);
    const collapsed = collapseDims(outShape, [c, x, y].map((t) => broadcastStrides(t.shape, outShape)));
    const out = e.runKernel('where', [c, x, y], outShape, resultDtype('arith', x, y), {
      outShape: collapsed.shape,
      condStrides: collapsed.strides[0]!,
      aStrides: collapsed.strides[1]!,
      bStrides: collapsed.strides[2]!,
    });
    record('where', out, [c, x, y], { cond: c, a: x, b: y });
    return out;
  },
};

type BinaryOps = typeof binaryOps;

declare module '../tensor.js' {
  interface Tensor extends AsMethods<BinaryOps> {}
}
declare module '../engine.js' {
  interface Engine extends BinaryOps {}
}

installOps(binaryOps);
