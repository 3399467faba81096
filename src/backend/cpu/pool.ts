import type { CpuArray, CpuKernels } from './kernel_table.js';
import type { Pool2dParams, PoolKernels } from '../../kernel_ids/pool.js';
import { argMaxBetter } from './reduce.js';

// shaders/pool/common/pool_window.wgsl and pool_argmax.wgsl, restated.

const POOL_NONE = -1;

/** The valid part of window (oh, ow): input rows [hLo, hHi) and columns [wLo, wHi). */
function poolWindow(p: Pool2dParams, oh: number, ow: number): [number, number, number, number] {
  const h0 = oh * p.strideH - p.padTop;
  const w0 = ow * p.strideW - p.padLeft;
  return [Math.max(h0, 0), Math.min(h0 + p.poolH, p.inH), Math.max(w0, 0), Math.min(w0 + p.poolW, p.inW)];
}

/** Output positions whose windows contain input (ih, iw): rows [ohLo, ohHi], columns [owLo, owHi]. */
function poolCovering(p: Pool2dParams, ih: number, iw: number): [number, number, number, number] {
  const h = ih + p.padTop;
  const w = iw + p.padLeft;
  const hFirst = Math.max(h - p.poolH + 1, 0);
  const wFirst = Math.max(w - p.poolW + 1, 0);
  return [
    Math.ceil(hFirst / p.strideH),
    Math.min(Math.floor(h / p.strideH), p.outH - 1),
    Math.ceil(wFirst / p.strideW),
    Math.min(Math.floor(w / p.strideW), p.outW - 1),
  ];
}

function poolInputIndex(p: Pool2dParams, b: number, h: number, w: number, c: number): number {
  return ((b * p.inH + h) * p.inW + w) * p.channels + c;
}

function poolOutputIndex(p: Pool2dParams, b: number, oh: number, ow: number, c: number): number {
  return ((b * p.outH + oh) * p.outW + ow) * p.channels + c;
}

/**
 * Flat index of the first largest element of window (oh, ow) (row-major order; NaN is the
 * largest); POOL_NONE if empty.
 */
function windowArgmax(x: CpuArray, p: Pool2dParams, b: number, oh: number, ow: number, c: number): number {
  const [hLo, hHi, wLo, wHi] = poolWindow(p, oh, ow);
  let best = POOL_NONE;
  let bestValue = 0;
  for (let h = hLo; h < hHi; h++) {
    for (let w = wLo; w < wHi; w++) {
      const i = poolInputIndex(p, b, h, w, c);
      if (best === POOL_NONE || argMaxBetter(x[i]!, bestValue)) {
        best = i;
        bestValue = x[i]!;
      }
    }
  }
  return best;
}

/**
 * Calls `f(i, b, h, w, c)` for every element of the output (`output`) or of the input, in flat
 * order (shaders/pool/common/per_element.wgsl).
 */
function forEachElement(p: Pool2dParams, output: boolean, f: (i: number, b: number, h: number, w: number, c: number) => void): void {
  const rows = output ? p.outH : p.inH;
  const cols = output ? p.outW : p.inW;
  let i = 0;
  for (let b = 0; b < p.batch; b++)
    for (let h = 0; h < rows; h++)
      for (let w = 0; w < cols; w++)
        for (let c = 0; c < p.channels; c++) f(i++, b, h, w, c);
}

/** CPU twins of the pooling kernels (shaders/pool). */
export const poolCpuKernels: CpuKernels<PoolKernels> = {
  max_pool2d: ([x]: CpuArray[], [y]: CpuArray[], p: Pool2dParams) => {
    forEachElement(p, true, (o, b, oh, ow, c) => {
      const best = windowArgmax(x!, p, b, oh, ow, c);
      y![o] = best === POOL_NONE ? -Infinity : x![best]!;
    });
  },
  max_pool2d_backprop: ([x, dy]: CpuArray[], [dx]: CpuArray[], p: Pool2dParams) => {
    forEachElement(p, false, (i, b, ih, iw, c) => {
      const [ohLo, ohHi, owLo, owHi] = poolCovering(p, ih, iw);
      let acc = 0;
      for (let oh = ohLo; oh <= ohHi; oh++) {
        for (let ow = owLo; ow <= owHi; ow++) {
          if (windowArgmax(x!, p, b, oh, ow, c) === i) acc += dy![poolOutputIndex(p, b, oh, ow, c)]!;
        }
      }
      dx![i] = acc;
    });
  },
  max_pool2d_select: ([x, v]: CpuArray[], [out]: CpuArray[], p: Pool2dParams) => {
    forEachElement(p, true, (o, b, oh, ow, c) => {
      const best = windowArgmax(x!, p, b, oh, ow, c);
      out![o] = best === POOL_NONE ? 0 : v![best]!;
    });
  },
  avg_pool2d: ([x]: CpuArray[], [y]: CpuArray[], p: Pool2dParams) => {
    forEachElement(p, true, (o, b, oh, ow, c) => {
      const [hLo, hHi, wLo, wHi] = poolWindow(p, oh, ow);
      let acc = 0;
      for (let h = hLo; h < hHi; h++) for (let w = wLo; w < wHi; w++) acc += x![poolInputIndex(p, b, h, w, c)]!;
      y![o] = acc / (Math.max(hHi - hLo, 0) * Math.max(wHi - wLo, 0));
    });
  },
  avg_pool2d_backprop: ([dy]: CpuArray[], [dx]: CpuArray[], p: Pool2dParams) => {
    forEachElement(p, false, (i, b, ih, iw, c) => {
      const [ohLo, ohHi, owLo, owHi] = poolCovering(p, ih, iw);
      let acc = 0;
      for (let oh = ohLo; oh <= ohHi; oh++) {
        for (let ow = owLo; ow <= owHi; ow++) {
          const [hLo, hHi, wLo, wHi] = poolWindow(p, oh, ow);
          acc += dy![poolOutputIndex(p, b, oh, ow, c)]! / ((hHi - hLo) * (wHi - wLo));
        }
      }
      dx![i] = acc;
    });
  },
};
