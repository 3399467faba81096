import type { ConvGeometry } from './conv.js';

/**
 * Winograd F(4x4, 3x3) for the input gradient of a stride-1, undilated 3x3 conv2d. dx is the
 * correlation of dy (zero outside, shifted by 2 - padTop rows and 2 - padLeft columns) with the
 * flipped, channel-swapped filter f[kh][kw][o][c] = w[2-kh][2-kw][c][o].
 *
 * The batch's images are laid out side by side in one large image, gridW per row: image n at
 * row (n / gridW)·rowPeriod, column (n % gridW)·colPeriod (winogradTiling). The periods leave
 * enough zeros between images that a window reaching past one image's edge reads zeros, as it
 * would alone. Tiles then cross image boundaries freely, which wastes less than per-image tiles
 * (64 MNIST images of 13x13: 676 tiles, not 1,024).
 * That image is cut into 4x4 tiles of dx, t = th·tilesW + tw; tile t reads the 6x6 window of
 * the laid-out dy from row 4·th - (2 - padTop), column 4·tw - (2 - padLeft). With the
 * F(4x4, 3x3) matrices of Lavin & Gray (interpolation points 0, ±1, ±2), for the 36 positions
 * ξ = 6·row + column:
 *   U[ξ][c][o] = (G f_oc Gᵀ)[ξ],   V[ξ][o][t] = (Bᵀ d_ot B)[ξ],   M[ξ] = U[ξ]·V[ξ],
 *   dx tile (t, c) = Aᵀ M_ct A.
 * The 36 products [inC, outC]·[outC, tiles] are one batched matmul, with the tiles along its
 * columns (rows padded to tileStride, a multiple of 4, for the vec4 matmul kernel).
 * All three kernels take the conv's geometry (its inC and outC are dx's and dy's channels).
 */
export const winogradKernelIds = ['winograd_filter', 'winograd_input', 'winograd_output'] as const;

export interface WinogradKernels {
  /** U [36, inC, outC] from the filter [3, 3, inC, outC]. Input: filter. */
  winograd_filter: ConvGeometry;
  /**
   * V [36, outC, tileStride] from dy [batch, outH, outW, outC] (outC a multiple of 4); the
   * columns past the last tile are zero. Input: dy.
   */
  winograd_input: ConvGeometry;
  /** dx [batch, inH, inW, inC] from M [36, inC, tileStride] (inC a multiple of 4). Input: M. */
  winograd_output: ConvGeometry;
}

/** Positions of the transformed 6x6 tiles. */
export const winogradPositions = 36;

/** How the transforms lay out a batch's images and cut them into tiles (see WinogradKernels). */
export interface WinogradTiling {
  /** Images per row of the layout. */
  gridW: number;
  /** Rows and columns per image in the layout: dx's and a gap of zeros. */
  rowPeriod: number;
  colPeriod: number;
  /** Rows of dy the windows start above dx's rows (2 - padTop), and columns to the left. */
  shiftTop: number;
  shiftLeft: number;
  tilesH: number;
  tilesW: number;
  /** tilesH · tilesW. */
  tiles: number;
  /** Row length of V and M: tiles rounded up to a multiple of 4. */
  tileStride: number;
}

/**
 * The layout and tiles of a geometry. A window of image n reads dy rows j = ih + kh - shiftTop;
 * with rowPeriod >= inH + padTop those stay above the next image's first row, and with
 * rowPeriod >= outH + shiftTop the rows above the image (j < 0) fall in the previous image's
 * gap (rowPeriod + j >= outH) and read zero. Likewise for columns. gridW is the number of images
 * per row that gives the fewest tiles.
 */
export function winogradTiling(g: ConvGeometry): WinogradTiling {
  const shiftTop = 2 - g.padTop;
  const shiftLeft = 2 - g.padLeft;
  const rowPeriod = Math.max(g.inH + g.padTop, g.outH + shiftTop);
  const colPeriod = Math.max(g.inW + g.padLeft, g.outW + shiftLeft);
  let best: WinogradTiling | undefined;
  for (let gridW = 1; gridW <= g.batch; gridW++) {
    const gridH = Math.ceil(g.batch / gridW);
    // Fewer images per row than a smaller gridW with the same number of rows only adds width.
    if (gridW > 1 && Math.ceil(g.batch / (gridW - 1)) === gridH) continue;
    const tilesH = Math.ceil(((gridH - 1) * rowPeriod + g.inH) / 4);
    const tilesW = Math.ceil(((gridW - 1) * colPeriod + g.inW) / 4);
    const tiles = tilesH * tilesW;
    if (!best || tiles < best.tiles) {
      best = { gridW, rowPeriod, colPeriod, shiftTop, shiftLeft, tilesH, tilesW, tiles, tileStride: Math.ceil(tiles / 4) * 4 };
    }
  }
  return best!;
}
