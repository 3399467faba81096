/** Batched matrix product C[b] = op(A[b]) @ op(B[b]), op = optional transpose. */
export const matmulKernelIds = ['matmul'] as const;

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

export interface MatmulKernels {
  matmul: MatmulParams;
}
