/** Kernels that move elements without arithmetic: strided views, padding, scatter, tile, gather. */
export const layoutKernelIds = ['copy_strided', 'pad_strided', 'scatter_strided', 'tile', 'gather', 'gather_grad'] as const;

/** out[o] = in[inOffset + sum_k o_k * inStrides[k]] — transpose, slice, strided slice, broadcast. */
export interface CopyStridedParams {
  outShape: number[];
  inStrides: number[];
  inOffset: number;
}

/**
 * out[o] = in[i] where o_k = begin_k + i_k * step_k, padValue elsewhere: pad, and the gradient of
 * (strided) slicing.
 */
export interface PadStridedParams {
  outShape: number[];
  inShape: number[];
  begin: number[];
  step: number[];
  padValue: number;
}

/** out[outOffset + sum_k i_k * outStrides[k]] = in[i], other elements untouched: concat blocks. */
export interface ScatterStridedParams {
  inShape: number[];
  outStrides: number[];
  outOffset: number;
}

/** out[o] = in[o_k mod inShape_k]. */
export interface TileParams {
  outShape: number[];
  inShape: number[];
}

/** x viewed as [outer, axisLen, inner]; out[o, j, i] = x[o, idx[j], i] for j < nIdx. */
export interface GatherParams {
  outer: number;
  axisLen: number;
  inner: number;
  nIdx: number;
}

export interface LayoutKernels {
  copy_strided: CopyStridedParams;
  pad_strided: PadStridedParams;
  scatter_strided: ScatterStridedParams;
  tile: TileParams;
  gather: GatherParams;
  /** dx[o, r, i] = sum over j with idx[j] == r of dy[o, j, i] (deterministic, no atomics). */
  gather_grad: GatherParams;
}
