import type { Tensor } from '../tensor.js';
import type { ConvGeometry } from '../kernel_ids/conv.js';
import { winogradPositions, winogradTiling } from '../kernel_ids/winograd.js';
import { inputShapeOf } from './conv_geometry.js';

/**
 * Most elements of one transformed operand (V [36, outC, tileStride] or M [36, inC, tileStride]):
 * 64 MB of float32, under WebGPU's default limit on one storage binding (128 MB).
 */
const maxTransformedElements = 1 << 24;

/**
 * Whether dx runs as Winograd F(4x4, 3x3) (inputGradientByWinograd): a 3x3 filter, stride 1,
 * no dilation, padding within the filter's reach, channels in whole vec4s with at least 32 on
 * both sides (fewer leave the transforms too little product to pay for), and transformed
 * operands within maxTransformedElements. A single small image has few tiles (MNIST's second
 * layer at batch 1: 16, the product's columns); the vec4 product kernel takes 16 and more
 * (src/backend/webgpu/dispatch/matmul.ts), where Winograd beat the product-and-fold path.
 */
export function usesWinogradForInputGradient(g: ConvGeometry): boolean {
  const shape =
    g.kH === 3 && g.kW === 3 && g.strideH === 1 && g.strideW === 1 && g.dilationH === 1 && g.dilationW === 1 && g.padTop <= 2 && g.padLeft <= 2;
  const channels = g.inC % 4 === 0 && g.outC % 4 === 0 && g.inC >= 32 && g.outC >= 32;
  const transformed = winogradPositions * winogradTiling(g).tileStride * Math.max(g.inC, g.outC);
  return shape && channels && transformed <= maxTransformedElements;
}

/**
 * dx by Winograd F(4x4, 3x3) (src/kernel_ids/winograd.ts): the filter and dy transformed, 36
 * products [inC, outC]·[outC, tiles] as one batched matmul, the output transform. It multiplies
 * 36 values per 16 dx pixels where the product-and-fold path multiplies 9 taps per dy pixel:
 * 4x fewer multiply-adds, less the tiles' overhang past the laid-out images. Runs kernels only:
 * the caller records the gradient of the whole. Exact in exact arithmetic; in float32 its error
 * is about 1e-5 of the largest |dx|, 5-7x a direct sum's (the transforms scale by up to 8 and
 * 1/24; measured at the article's and MNIST's layers).
 */
export function inputGradientByWinograd(dy: Tensor, w: Tensor, g: ConvGeometry): Tensor {
  const e = dy.engine;
  const { tileStride } = winogradTiling(g);
  const u = e.runKernel('winograd_filter', [w], [winogradPositions, g.inC, g.outC], 'float32', { ...g });
  const v = e.runKernel('winograd_input', [dy], [winogradPositions, g.outC, tileStride], 'float32', { ...g });
  const product = {
    batch: winogradPositions,
    m: g.inC,
    n: tileStride,
    k: g.outC,
    transA: false,
    transB: false,
    aBatchStride: g.inC * g.outC,
    bBatchStride: g.outC * tileStride,
  };
  const m = e.runKernel('matmul', [u, v], [winogradPositions, g.inC, tileStride], 'float32', product);
  u.dispose();
  v.dispose();
  const dx = e.runKernel('winograd_output', [m], inputShapeOf(g), 'float32', { ...g });
  m.dispose();
  return dx;
}
