import type { CpuArray, CpuKernels } from './kernel_table.js';
import type {
  CopyStridedParams,
  GatherParams,
  LayoutKernels,
  PadStridedParams,
  ScatterStridedParams,
  TileParams,
} from '../../kernel_ids/layout.js';
import { sizeOf } from '../../shape.js';
import { roundHalfEven } from './unary.js';

/** An index stored as a float, normalised as in gather.wgsl: negatives count from the end. */
function normalizeIndex(v: number, axisLen: number): number {
  let r = roundHalfEven(v);
  if (r < 0) r += axisLen;
  return r;
}

/** CPU twins of the layout kernels (same index arithmetic as the WGSL). */
export const layoutCpuKernels: CpuKernels<LayoutKernels> = {
  copy_strided: ([x]: CpuArray[], [out]: CpuArray[], p: CopyStridedParams) => {
    const n = sizeOf(p.outShape);
    for (let o = 0; o < n; o++) {
      let rem = o;
      let src = p.inOffset;
      for (let d = p.outShape.length - 1; d >= 0; d--) {
        const size = p.outShape[d]!;
        src += (rem % size) * p.inStrides[d]!;
        rem = Math.floor(rem / size);
      }
      out![o] = x![src]!;
    }
  },
  pad_strided: ([x]: CpuArray[], [out]: CpuArray[], p: PadStridedParams) => {
    const n = sizeOf(p.outShape);
    for (let o = 0; o < n; o++) {
      let rem = o;
      let src = 0;
      let stride = 1;
      let inside = true;
      for (let d = p.outShape.length - 1; d >= 0; d--) {
        const size = p.outShape[d]!;
        const od = rem % size;
        rem = Math.floor(rem / size);
        // Truncating division and remainder, as WGSL's i32 / and %.
        const delta = od - p.begin[d]!;
        const step = p.step[d]!;
        const id = Math.trunc(delta / step);
        const inSize = p.inShape[d]!;
        if (delta % step !== 0 || id < 0 || id >= inSize) inside = false;
        src += Math.max(id, 0) * stride;
        stride *= inSize;
      }
      out![o] = inside ? x![src]! : p.padValue;
    }
  },
  scatter_strided: ([x]: CpuArray[], [out]: CpuArray[], p: ScatterStridedParams) => {
    const n = sizeOf(p.inShape);
    for (let i = 0; i < n; i++) {
      let rem = i;
      let dst = p.outOffset;
      for (let d = p.inShape.length - 1; d >= 0; d--) {
        const size = p.inShape[d]!;
        dst += (rem % size) * p.outStrides[d]!;
        rem = Math.floor(rem / size);
      }
      out![dst] = x![i]!;
    }
  },
  tile: ([x]: CpuArray[], [out]: CpuArray[], p: TileParams) => {
    const n = sizeOf(p.outShape);
    for (let o = 0; o < n; o++) {
      let rem = o;
      let src = 0;
      let stride = 1;
      for (let d = p.outShape.length - 1; d >= 0; d--) {
        const size = p.outShape[d]!;
        const inSize = p.inShape[d]!;
        src += ((rem % size) % inSize) * stride;
        rem = Math.floor(rem / size);
        stride *= inSize;
      }
      out![o] = x![src]!;
    }
  },
  gather: ([x, idx]: CpuArray[], [out]: CpuArray[], p: GatherParams) => {
    const n = p.outer * p.nIdx * p.inner;
    for (let o = 0; o < n; o++) {
      const ii = o % p.inner;
      const j = Math.floor(o / p.inner) % p.nIdx;
      const oo = Math.floor(o / (p.inner * p.nIdx));
      const r = normalizeIndex(idx![j]!, p.axisLen);
      out![o] = r < 0 || r >= p.axisLen ? 0 : x![(oo * p.axisLen + r) * p.inner + ii]!;
    }
  },
  gather_grad: ([dy, idx]: CpuArray[], [dx]: CpuArray[], p: GatherParams) => {
    const n = p.outer * p.axisLen * p.inner;
    for (let o = 0; o < n; o++) {
      const ii = o % p.inner;
      const r = Math.floor(o / p.inner) % p.axisLen;
      const oo = Math.floor(o / (p.inner * p.axisLen));
      let acc = 0;
      for (let j = 0; j < p.nIdx; j++) {
        if (normalizeIndex(idx![j]!, p.axisLen) === r) acc += dy![(oo * p.nIdx + j) * p.inner + ii]!;
      }
      dx![o] = acc;
    }
  },
};
