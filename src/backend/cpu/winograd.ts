import type { CpuArray, CpuKernels } from './kernel_table.js';
import type { ConvGeometry } from '../../kernel_ids/conv.js';
import { winogradTiling, type WinogradKernels, type WinogradTiling } from '../../kernel_ids/winograd.js';

// CPU twins of shaders/conv2d/winograd_*.wgsl (see src/kernel_ids/winograd.ts): the same three
// transforms written as matrix products with the F(4x4, 3x3) matrices, in float64.

/** Bᵀ: the 6x6 input transform. */
const inputMatrix = [
  [4, 0, -5, 0, 1, 0],
  [0, -4, -4, 1, 1, 0],
  [0, 4, -4, -1, 1, 0],
  [0, -2, -1, 2, 1, 0],
  [0, 2, -1, -2, 1, 0],
  [0, 4, 0, -5, 0, 1],
];

/** G: the 6x3 filter transform. */
const filterMatrix = [
  [1 / 4, 0, 0],
  [-1 / 6, -1 / 6, -1 / 6],
  [-1 / 6, 1 / 6, -1 / 6],
  [1 / 24, 1 / 12, 1 / 6],
  [1 / 24, -1 / 12, 1 / 6],
  [0, 0, 1],
];

/** Aᵀ: the 4x6 output transform. */
const outputMatrix = [
  [1, 1, 1, 1, 1, 0],
  [0, 1, -1, 2, -2, 0],
  [0, 1, 1, 4, 4, 0],
  [0, 1, -1, 8, -8, 1],
];

/** L·X·Lᵀ for an r x s matrix L and an s x s matrix X (row-major), r x r out. */
function sandwich(l: number[][], x: number[]): number[] {
  const r = l.length;
  const s = l[0]!.length;
  const lx = new Array<number>(r * s).fill(0);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < s; j++) {
      for (let k = 0; k < s; k++) lx[i * s + j]! += l[i]![k]! * x[k * s + j]!;
    }
  }
  const out = new Array<number>(r * r).fill(0);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < r; j++) {
      for (let k = 0; k < s; k++) out[i * r + j]! += lx[i * s + k]! * l[j]![k]!;
    }
  }
  return out;
}

function winogradFilter([w]: CpuArray[], [u]: CpuArray[], g: ConvGeometry): void {
  const f = new Array<number>(9);
  for (let c = 0; c < g.inC; c++) {
    for (let o = 0; o < g.outC; o++) {
      for (let kh = 0; kh < 3; kh++) {
        for (let kw = 0; kw < 3; kw++) f[kh * 3 + kw] = w![(((2 - kh) * 3 + (2 - kw)) * g.inC + c) * g.outC + o]!;
      }
      const t = sandwich(filterMatrix, f);
      for (let xi = 0; xi < 36; xi++) u![(xi * g.inC + c) * g.outC + o] = t[xi]!;
    }
  }
}

/** Image, row and column of laid-out row r and column c (image -1 outside every image's period). */
function imageAt(t: WinogradTiling, batch: number, r: number, c: number): { n: number; h: number; w: number } {
  const gy = Math.floor(r / t.rowPeriod);
  const gx = Math.floor(c / t.colPeriod);
  const n = gy * t.gridW + gx;
  const outside = r < 0 || c < 0 || gx >= t.gridW || n >= batch;
  return { n: outside ? -1 : n, h: r - gy * t.rowPeriod, w: c - gx * t.colPeriod };
}

/** dy at row r and column c of the layout, channel o (zero in the gaps and outside). */
function laidOutDy(dy: CpuArray, g: ConvGeometry, t: WinogradTiling, r: number, c: number, o: number): number {
  const { n, h, w } = imageAt(t, g.batch, r, c);
  if (n < 0 || h >= g.outH || w >= g.outW) return 0;
  return dy[((n * g.outH + h) * g.outW + w) * g.outC + o]!;
}

function winogradInput([dy]: CpuArray[], [v]: CpuArray[], g: ConvGeometry): void {
  const tiling = winogradTiling(g);
  const { shiftTop, shiftLeft, tilesW, tiles, tileStride } = tiling;
  const d = new Array<number>(36);
  for (let t = 0; t < tiles; t++) {
    const tw = t % tilesW;
    const th = Math.floor(t / tilesW);
    for (let o = 0; o < g.outC; o++) {
      for (let i = 0; i < 6; i++) {
        for (let j = 0; j < 6; j++) d[i * 6 + j] = laidOutDy(dy!, g, tiling, 4 * th - shiftTop + i, 4 * tw - shiftLeft + j, o);
      }
      const tr = sandwich(inputMatrix, d);
      for (let xi = 0; xi < 36; xi++) v![(xi * g.outC + o) * tileStride + t] = tr[xi]!;
    }
  }
}

function winogradOutput([m]: CpuArray[], [dx]: CpuArray[], g: ConvGeometry): void {
  const tiling = winogradTiling(g);
  const { tilesW, tiles, tileStride } = tiling;
  const tile = new Array<number>(36);
  for (let t = 0; t < tiles; t++) {
    const tw = t % tilesW;
    const th = Math.floor(t / tilesW);
    for (let c = 0; c < g.inC; c++) {
      for (let xi = 0; xi < 36; xi++) tile[xi] = m![(xi * g.inC + c) * tileStride + t]!;
      const y = sandwich(outputMatrix, tile);
      for (let i = 0; i < 4; i++) {
        for (let j = 0; j < 4; j++) {
          const { n, h, w } = imageAt(tiling, g.batch, 4 * th + i, 4 * tw + j);
          if (n >= 0 && h < g.inH && w < g.inW) dx![((n * g.inH + h) * g.inW + w) * g.inC + c] = y[i * 4 + j]!;
        }
      }
    }
  }
}

/** CPU twins of the Winograd transforms. */
export const winogradCpuKernels: CpuKernels<WinogradKernels> = {
  winograd_filter: winogradFilter,
  winograd_input: winogradInput,
  winograd_output: winogradOutput,
};
