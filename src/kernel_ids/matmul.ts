/** Batched matrix product C[b] = op(A[b]) @ op(B[b]), op = optional transpose. */
export const matmulKernelIds = ['matmul', 'matvec'] as const;

export interface MatmulParams {
  batch: number;
  /** Rows of op(A) and C. */
  m: number;
  /** Columns of op(B) and C. */
  n: number;
  /** Shared inner dimension. */
  k: number;
  /** A is stored [k, m] (op(A) = Aᵀ) instead of [m, k]. */
  transA: boolean;
  /** B is stored [n, k] (op(B) = Bᵀ) instead of [k, n]. */
  transB: boolean;
  /** Element offset between consecutive batches of A (0 when A is broadcast over the batch). */
  aBatchStride: number;
  bBatchStride: number;
}

/**
 * Vector-matrix products (m = 1): partial sums over `splits` chunks of k, out [batch, splits, n]
 * (shaders/matmul/matvec.wgsl); a row reduction adds the chunks when splits > 1.
 */
export interface MatvecParams {
  batch: number;
  n: number;
  k: number;
  transB: boolean;
  aBatchStride: number;
  bBatchStride: number;
  /** Chunks of k (each ceil(k / splits) long, the last shorter). */
  splits: number;
  chunk: number;
}

export interface MatmulKernels {
  matmul: MatmulParams;
  matvec: MatvecParams;
}
