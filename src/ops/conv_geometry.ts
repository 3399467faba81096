import type { Tensor } from '../tensor.js';
import type { ConvGeometry } from '../kernel_ids/conv.js';
import { fmt } from '../shape.js';
import { describeValue } from '../values.js';

/** A size per spatial dimension: one number for both, or [height, width]. */
export type Size2 = number | readonly [number, number];

/**
 * 'valid' (no padding), 'same' (TensorFlow's SAME: the output has ceil(in / stride) rows, the
 * extra padding row going to the bottom/right), or explicit [[top, bottom], [left, right]].
 */
export type Padding = 'valid' | 'same' | readonly [readonly [number, number], readonly [number, number]];

/** Options shared by the convolution ops. */
export interface ConvOptions {
  /** Step between output pixels (default 1). */
  strides?: Size2;
  /** 'valid' (default), 'same', or [[top, bottom], [left, right]]. */
  padding?: Padding;
  /** Spacing between filter taps (default 1: a dense filter). */
  dilations?: Size2;
}

/** Strides and dilations as checked [height, width] pairs. */
export interface ConvSteps {
  strides: [number, number];
  dilations: [number, number];
}

/** Checks a [h, w] size option: positive integers. */
export function parseSize2(op: string, what: string, value: Size2 | undefined): [number, number] {
  const pair: readonly number[] = value === undefined ? [1, 1] : typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || pair.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new Error(`${op}: ${what} must be a positive integer or a pair [h, w] of them, got ${describeValue(value)}`);
  }
  return [pair[0]!, pair[1]!];
}

export function parseSteps(op: string, options: ConvOptions): ConvSteps {
  return { strides: parseSize2(op, 'strides', options.strides), dilations: parseSize2(op, 'dilations', options.dilations) };
}

/** The extent of a dilated filter: (k - 1)·d + 1. */
export function dilatedSize(k: number, d: number): number {
  return (k - 1) * d + 1;
}

/** Padding before and after along one dimension. */
interface Pads {
  before: number;
  after: number;
}

/**
 * TensorFlow's padding rule along one dimension: SAME pads max((ceil(in/s)-1)·s + (k-1)·d + 1 - in, 0)
 * in total, floor(total/2) before; explicit padding is taken as given.
 */
function padsFor(op: string, padding: Padding, dim: 0 | 1, inSize: number, k: number, stride: number, dilation: number): Pads {
  if (padding === 'valid') return { before: 0, after: 0 };
  if (padding === 'same') {
    const total = Math.max((Math.ceil(inSize / stride) - 1) * stride + dilatedSize(k, dilation) - inSize, 0);
    return { before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
  }
  const pair = padding[dim];
  return { before: pair![0], after: pair![1] };
}

/** Rejects unknown padding values with the op's name. */
export function checkPadding(op: string, padding: Padding): void {
  if (padding === 'valid' || padding === 'same') return;
  const ok =
    Array.isArray(padding) &&
    padding.length === 2 &&
    padding.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0));
  if (!ok) {
    throw new Error(`${op}: padding must be 'valid', 'same' or [[top, bottom], [left, right]] of non-negative integers, got ${describeValue(padding)}`);
  }
}

/**
 * Geometry of a convolution of x [batch, inH, inW, inC] by a kH x kW filter with `outC` output
 * channels; throws naming the op and shapes when the (padded) input is smaller than the filter.
 */
export function convGeometry(
  op: string,
  xShape: readonly number[],
  filterShape: readonly number[],
  outC: number,
  steps: ConvSteps,
  padding: Padding,
): ConvGeometry {
  checkPadding(op, padding);
  const [batch, inH, inW, inC] = xShape as [number, number, number, number];
  const [kH, kW] = filterShape as [number, number];
  const [strideH, strideW] = steps.strides;
  const [dilationH, dilationW] = steps.dilations;
  const ph = padsFor(op, padding, 0, inH, kH, strideH, dilationH);
  const pw = padsFor(op, padding, 1, inW, kW, strideW, dilationW);
  const extentH = dilatedSize(kH, dilationH);
  const extentW = dilatedSize(kW, dilationW);
  const paddedH = inH + ph.before + ph.after;
  const paddedW = inW + pw.before + pw.after;
  if (paddedH < extentH || paddedW < extentW) {
    throw new Error(
      `${op}: the filter ${fmt(filterShape)} spans ${extentH}x${extentW} (dilations ${dilationH},${dilationW}) ` +
        `but the padded input is only ${paddedH}x${paddedW} (x ${fmt(xShape)})`,
    );
  }
  return {
    batch,
    inH,
    inW,
    inC,
    outH: Math.floor((paddedH - extentH) / strideH) + 1,
    outW: Math.floor((paddedW - extentW) / strideW) + 1,
    outC,
    kH,
    kW,
    strideH,
    strideW,
    dilationH,
    dilationW,
    padTop: ph.before,
    padLeft: pw.before,
  };
}

/**
 * Accepts NHWC x, or HWC treated as a batch of one; returns the rank-4 tensor and whether the
 * result must be squeezed back to rank 3.
 */
export function asBatched(op: string, x: Tensor, filter: Tensor): { x4: Tensor; squeeze: boolean } {
  if (x.rank !== 3 && x.rank !== 4) {
    throw new Error(`${op}: x must be NHWC (rank 4) or HWC (rank 3), got shape ${fmt(x.shape)} (filter ${fmt(filter.shape)})`);
  }
  if (filter.rank !== 4) {
    throw new Error(`${op}: the filter must have rank 4 [kH, kW, in, out], got shape ${fmt(filter.shape)} (x ${fmt(x.shape)})`);
  }
  if (x.size === 0 || filter.size === 0) {
    throw new Error(`${op}: empty tensors are not supported (x ${fmt(x.shape)}, filter ${fmt(filter.shape)})`);
  }
  return x.rank === 4 ? { x4: x, squeeze: false } : { x4: x.reshape([1, ...x.shape]), squeeze: true };
}

/** The geometry's input and output shapes, NHWC. */
export function inputShapeOf(g: ConvGeometry): number[] {
  return [g.batch, g.inH, g.inW, g.inC];
}

export function outputShapeOf(g: ConvGeometry): number[] {
  return [g.batch, g.outH, g.outW, g.outC];
}

/**
 * How a filter gradient splits its reduction over the batch·outH·outW output pixels: enough
 * chunks that the partial tiles fill a GPU (about `targetGroups` workgroups), each chunk at
 * least `minChunk` pixels so that summing the partials stays cheap.
 */
export function splitReduction(pixels: number, tiles: number, targetGroups = 256, minChunk = 512): { splits: number; chunk: number } {
  const wanted = Math.max(1, Math.ceil(targetGroups / Math.max(tiles, 1)));
  const affordable = Math.max(1, Math.floor(pixels / minChunk));
  let splits = Math.min(wanted, affordable, 65535);
  // Chunks are multiples of 16 pixels (the shaders' reduction tile) so no tile straddles two.
  const chunk = Math.ceil(Math.ceil(pixels / splits) / 16) * 16;
  splits = Math.ceil(pixels / chunk);
  return { splits, chunk };
}
