import type { MatmulParams } from '../kernel_ids/matmul.js';
import type { Tensor } from '../tensor.js';
import { broadcastShapes, fmt, normalizeAxes, shapesEqual, sizeOf, type Shape } from '../shape.js';
import { sumToShape } from './binary.js';
import type { GradientTable } from '../autodiff/rules.js';
import { installOps, tensors, type AsMethods } from './define.js';
import { record } from './record.js';
import { checkBoolean, checkTensor } from './validate.js';
import { describeValue } from '../values.js';
import { release } from './reduce.js';

/** Describes the operands of a failed product in errors: `[3,4] x [5,2]`, flags appended. */
function describe(a: Shape, b: Shape, transposeA: boolean, transposeB: boolean): string {
  const flags = [transposeA && 'transposeA', transposeB && 'transposeB'].filter(Boolean);
  return `${fmt(a)} x ${fmt(b)}${flags.length > 0 ? `, ${flags.join(', ')}` : ''}`;
}

/** The [rows, cols] of a stored matrix as seen through its transpose flag. */
function opShape(t: Tensor, transposed: boolean): [number, number] {
  const r = t.shape[t.rank - 2]!;
  const c = t.shape[t.rank - 1]!;
  return transposed ? [c, r] : [r, c];
}

/**
 * Reads an operand with batch dimensions `batch` as the kernel's single batch axis: its stride
 * between batches, broadcasting (materialised) only when it is neither shared nor full.
 */
function batchOperand(t: Tensor, batch: Shape): { operand: Tensor; stride: number } {
  const matrix = t.shape.slice(-2);
  const own = sizeOf(t.shape.slice(0, -2));
  if (own === 1) return { operand: t, stride: 0 };
  if (own === sizeOf(batch)) return { operand: t, stride: sizeOf(matrix) };
  return { operand: t.broadcastTo([...batch, ...matrix]), stride: sizeOf(matrix) };
}

/** op(a) @ op(b) for operands of rank >= 2 with numpy-broadcast batch dimensions. */
function batchedMatmul(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean, shown: () => string): Tensor {
  const e = a.engine;
  const [m, ka] = opShape(a, transposeA);
  const [kb, n] = opShape(b, transposeB);
  if (ka !== kb) throw new Error(`matmul: inner dimensions differ (${shown()})`);
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  let batch: number[];
  try {
    batch = broadcastShapes('matmul', aBatch, bBatch);
  } catch {
    throw new Error(`matmul: batch dimensions ${fmt(aBatch)} and ${fmt(bBatch)} cannot be broadcast (${shown()})`);
  }
  const A = batchOperand(a, batch);
  const B = batchOperand(b, batch);
  const outShape = [...batch, m, n];
  const dtype = a.dtype === 'float32' || b.dtype === 'float32' ? 'float32' : 'int32';
  let params = { batch: sizeOf(batch), m, n, k: ka, transA: transposeA, transB: transposeB, aBatchStride: A.stride, bBatchStride: B.stride };
  // A batch of row-major A against one shared B is a single taller product: [batch * m, k] x [k, n].
  if (params.batch > 1 && B.stride === 0 && !transposeA && A.stride !== 0) {
    params = { ...params, batch: 1, m: params.batch * m, aBatchStride: 0 };
  }
  const out = params.m === 1 && params.batch <= maxBatchZ ? vectorMatrix(A.operand, B.operand, outShape, dtype, params) : e.runKernel('matmul', [A.operand, B.operand], outShape, dtype, params);
  if (e.isRecording) {
    const x = A.operand;
    const y = B.operand;
    record('matmul', out, [x, y], {
      x,
      y,
      transposeA,
      transposeB,
      // A shared B (a layer's weight) against a batch of row-major A: for dB the batch folds into
      // the rows, one product over batch * m rows instead of a batch of products then summed.
      foldBatch: B.stride === 0 && A.stride !== 0 && !transposeA,
      // The Gram product x·xᵀ (the vector spread's V Vᵀ): the two gradients, dy·x and dyᵀ·x, go
      // to the same tensor, and their sum is one product, (dy + dyᵀ)·x.
      gram: x === y && !transposeA && transposeB && x.rank === 2,
    });
  }
  release(A.operand, a);
  release(B.operand, b);
  return out;
}

const maxBatchZ = 65535;

/**
 * A product with one row (m = 1: a dense layer on one sample) by the matvec kernel: the weights
 * stream once, and a long k is split into chunks added by a row reduction, so that a
 * [1, 25088] x [25088, 512] product keeps every core busy instead of one tile of 64 rows.
 */
function vectorMatrix(a: Tensor, b: Tensor, outShape: number[], dtype: Tensor['dtype'], p: MatmulParams): Tensor {
  const e = a.engine;
  const columnGroups = Math.ceil(p.n / 64) * p.batch;
  // Enough workgroups for a GPU (about 256), chunks of at least 256 products each; a product of
  // fewer than 64K multiply-adds in all stays one pass (the second dispatch would cost more than
  // the first, on lavapipe).
  const small = p.batch * p.k * p.n < 1 << 16;
  const wanted = small ? 1 : Math.max(1, Math.min(Math.ceil(p.k / 256), Math.ceil(256 / columnGroups)));
  // Chunks of whole vec4s, which the vec4 kernel reads along k with a transposed B.
  const chunk = Math.ceil(Math.ceil(p.k / wanted) / 4) * 4;
  const splits = Math.ceil(p.k / chunk);
  const params = { batch: p.batch, n: p.n, k: p.k, transB: p.transB, aBatchStride: p.aBatchStride, bBatchStride: p.bBatchStride, splits, chunk };
  if (splits === 1) return e.runKernel('matvec', [a, b], outShape, dtype, params);
  const partial = e.runKernel('matvec', [a, b], [p.batch, splits, p.n], 'float32', params);
  const out = e.runKernel('reduce_sum', [partial], outShape, dtype, { rows: p.batch, cols: splits, inner: p.n });
  partial.dispose();
  return out;
}

/** What matmul's backward rule sees: the operands as multiplied, and the choices made. */
export interface MatmulContext {
  x: Tensor;
  y: Tensor;
  transposeA: boolean;
  transposeB: boolean;
  foldBatch: boolean;
  gram: boolean;
}

/** The product the tape records (dot, tensordot and outer are built on it). */
export interface MatmulContexts {
  matmul: MatmulContext;
}

/** matmul's gradient: the four cases of TensorFlow's MatMul gradient, each a product with transpose flags. */
export const matmulGradients: GradientTable<MatmulContexts> = {
  matmul: ({ x, y, transposeA, transposeB, foldBatch, gram }, dy, needed) => {
    if (gram && needed[0] && needed[1]) return [mm(dy.add(dy.transpose()), x, false, false), null];
    const ka = x.shape[x.rank - (transposeA ? 2 : 1)]!;
    const n = dy.shape[dy.rank - 1]!;
    // Only the gradients the tape needs are computed (an attack needs dx, not the weights' dw).
    const dx = (): Tensor => {
      if (!transposeA && !transposeB) return mm(dy, y, false, true);
      if (!transposeA) return mm(dy, y, false, false);
      if (!transposeB) return mm(y, dy, false, true);
      return mm(y, dy, true, true);
    };
    const dw = (): Tensor => {
      const xs = foldBatch ? x.reshape([sizeOf(x.shape.slice(0, -1)), ka]) : x;
      const dys = foldBatch ? dy.reshape([sizeOf(dy.shape.slice(0, -1)), n]) : dy;
      if (!transposeA && !transposeB) return mm(xs, dys, true, false);
      if (!transposeA) return mm(dys, xs, true, false);
      if (!transposeB) return mm(x, dy, false, false);
      return mm(dy, x, true, true);
    };
    return [needed[0] ? sumToShape(dx(), x.shape) : null, needed[1] ? sumToShape(dw(), y.shape) : null];
  },
};

/** The products of the backward rule (recorded, so second derivatives work). */
function mm(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Tensor {
  return batchedMatmul(a, b, transposeA, transposeB, () => describe(a.shape, b.shape, transposeA, transposeB));
}

/** Moves `axes` of `x` before (`first`) or after the others; a view when already in place. */
function contractionMatrix(x: Tensor, axes: number[], contractedFirst: boolean): { matrix: Tensor; transposed: boolean } {
  const free = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const k = sizeOf(axes.map((i) => x.shape[i]!));
  const f = sizeOf(free.map((i) => x.shape[i]!));
  const isIdentity = (perm: number[]): boolean => perm.every((p, i) => p === i);
  // Stored order [contracted, free] or [free, contracted]: a reshape and a transpose flag suffice.
  if (isIdentity([...axes, ...free])) return { matrix: x.reshape([k, f]), transposed: !contractedFirst };
  if (isIdentity([...free, ...axes])) return { matrix: x.reshape([f, k]), transposed: contractedFirst };
  const perm = contractedFirst ? [...axes, ...free] : [...free, ...axes];
  const moved = x.transpose(perm);
  const matrix = moved.reshape(contractedFirst ? [k, f] : [f, k]);
  release(moved);
  return { matrix, transposed: false };
}

/** Matrix products. */
export const matmulOps = {
  /**
   * Matrix product op(a) @ op(b), op = optional transpose of the last two dimensions. Leading
   * (batch) dimensions broadcast as in numpy; a 1-D operand is a row (a) or column (b) vector
   * whose added dimension is removed from the result, as numpy.matmul (transpose flags do not
   * apply to 1-D operands).
   */
  matmul: (a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor => {
    checkTensor('matmul', 'b', b);
    checkBoolean('matmul', 'transposeA', transposeA);
    checkBoolean('matmul', 'transposeB', transposeB);
    const [x, y] = tensors('matmul', a, b) as [Tensor, Tensor];
    // Described for errors only.
    const shown = (): string => describe(x.shape, y.shape, transposeA, transposeB);
    if (x.rank === 0 || y.rank === 0) throw new Error(`matmul: operands must have rank >= 1 (${shown()})`);
    const aVector = x.rank === 1;
    const bVector = y.rank === 1;
    const a2 = aVector ? x.reshape([1, x.shape[0]!]) : x;
    const b2 = bVector ? y.reshape([y.shape[0]!, 1]) : y;
    const out = batchedMatmul(a2, b2, transposeA && !aVector, transposeB && !bVector, shown);
    release(a2, x);
    release(b2, y);
    if (!aVector && !bVector) return out;
    const shape = out.shape.slice(0, -2);
    if (!aVector) shape.push(out.shape[out.rank - 2]!);
    if (!bVector) shape.push(out.shape[out.rank - 1]!);
    const squeezed = out.reshape(shape);
    release(out);
    return squeezed;
  },
  /**
   * Dot product of vectors and/or matrices (tf.dot): [k]·[k] is a scalar, [m,k]·[k] is [m],
   * [k]·[k,n] is [n], [m,k]·[k,n] is [m,n].
   */
  dot: (a: Tensor, b: Tensor): Tensor => {
    const [x, y] = tensors('dot', a, checkTensor('dot', 'b', b)) as [Tensor, Tensor];
    if (x.rank < 1 || x.rank > 2 || y.rank < 1 || y.rank > 2) {
      throw new Error(`dot: inputs must be vectors or matrices (${fmt(x.shape)} x ${fmt(y.shape)})`);
    }
    const ka = x.shape[x.rank - 1]!;
    const kb = y.shape[0]!;
    if (ka !== kb) throw new Error(`dot: inner dimensions differ (${fmt(x.shape)} x ${fmt(y.shape)})`);
    return x.matmul(y);
  },
  /**
   * Sums products over pairs of axes (np.tensordot / tf.tensordot). `axes` is a count N (the last
   * N axes of a with the first N of b) or [aAxes, bAxes] (numbers or lists, negative allowed).
   * The result has a's free axes, then b's.
   */
  tensordot: (a: Tensor, b: Tensor, axes: number | readonly [number | readonly number[], number | readonly number[]] = 2): Tensor => {
    const [x, y] = tensors('tensordot', a, checkTensor('tensordot', 'b', b)) as [Tensor, Tensor];
    // The dot product of two vectors of one shape, without the axis bookkeeping (the force loss
    // makes hundreds a step). The general path below agrees.
    if (axes === x.rank && x.rank === y.rank && shapesEqual(x.shape, y.shape)) return x.mul(y).sum();
    // Formatted for errors only (a force-loss step makes hundreds of dot products).
    const shown = (): string => `${fmt(x.shape)} x ${fmt(y.shape)}`;
    if (typeof axes !== 'number' && !(Array.isArray(axes) && axes.length === 2)) {
      throw new Error(`tensordot: axes must be a count or a pair [aAxes, bAxes], got ${describeValue(axes)} (${shown()})`);
    }
    let aAxes: number[];
    let bAxes: number[];
    if (typeof axes === 'number') {
      if (!Number.isInteger(axes) || axes < 0 || axes > x.rank || axes > y.rank) {
        throw new Error(`tensordot: cannot contract ${describeValue(axes)} axes (${shown()})`);
      }
      aAxes = Array.from({ length: axes }, (_, i) => x.rank - axes + i);
      bAxes = Array.from({ length: axes }, (_, i) => i);
    } else {
      const list = (v: number | readonly number[]): number[] => (typeof v === 'number' ? [v] : [...v]);
      const norm = (v: number[], rank: number): number[] => v.map((i) => normalizeAxes('tensordot', i, rank)[0]!);
      aAxes = norm(list(axes[0]), x.rank);
      bAxes = norm(list(axes[1]), y.rank);
      if (aAxes.length !== bAxes.length) {
        throw new Error(`tensordot: ${aAxes.length} axes of a against ${bAxes.length} axes of b (${shown()})`);
      }
      if (new Set(aAxes).size !== aAxes.length || new Set(bAxes).size !== bAxes.length) {
        throw new Error(`tensordot: repeated axes (${shown()})`);
      }
    }
    aAxes.forEach((ai, i) => {
      const bi = bAxes[i]!;
      if (x.shape[ai] !== y.shape[bi]) {
        throw new Error(`tensordot: a axis ${ai} has size ${x.shape[ai]} but b axis ${bi} has size ${y.shape[bi]} (${shown()})`);
      }
    });
    // A full contraction in axis order (the dot product of two vectors, tensordot(d, d, 1)) is a
    // sum of products: elementwise kernels that step capture fuses, instead of a 1 x k x 1 matmul.
    // Only when every axis of both is contracted: b's free axes would be summed away too.
    if (aAxes.length === x.rank && bAxes.length === y.rank && aAxes.every((v, i) => v === i) && bAxes.every((v, i) => v === i)) {
      return x.mul(y).sum();
    }
    const A = contractionMatrix(x, aAxes, false);
    const B = contractionMatrix(y, bAxes, true);
    const outShape = [...x.shape.filter((_, i) => !aAxes.includes(i)), ...y.shape.filter((_, i) => !bAxes.includes(i))];
    const product = A.matrix.matmul(B.matrix, A.transposed, B.transposed);
    release(A.matrix, x);
    release(B.matrix, y);
    if (shapesEqual(product.shape, outShape)) return product;
    const result = product.reshape(outShape);
    release(product);
    return result;
  },
  /** Outer product of the flattened inputs: out[i, j] = a[i]·b[j] (np.outer). */
  outer: (a: Tensor, b: Tensor): Tensor => {
    const [x, y] = tensors('outer', a, checkTensor('outer', 'b', b)) as [Tensor, Tensor];
    const column = x.reshape([x.size, 1]);
    const row = y.reshape([1, y.size]);
    const out = column.mul(row);
    release(column);
    release(row);
    return out;
  },
};

type MatmulOps = typeof matmulOps;

declare module '../tensor.js' {
  interface Tensor extends AsMethods<MatmulOps> {}
}
declare module '../engine.js' {
  interface Engine extends MatmulOps {}
}

installOps(matmulOps, 'tensor');
