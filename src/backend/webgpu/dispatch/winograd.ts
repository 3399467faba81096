import type { GpuKernels } from './index.js';
import type { ConvGeometry } from '../../../kernel_ids/conv.js';
import { winogradTiling, type WinogradKernels } from '../../../kernel_ids/winograd.js';
import { sizeUniforms, tileGrid } from './conv.js';
import { grid1d, type GpuKernel, type UniformValues } from './kernel_spec.js';
import filterWgsl from '../../../../shaders/conv2d/winograd_filter.wgsl';
import inputWgsl from '../../../../shaders/conv2d/winograd_input.wgsl';
import outputWgsl from '../../../../shaders/conv2d/winograd_output.wgsl';

function uniforms(g: ConvGeometry): UniformValues {
  const t = winogradTiling(g);
  return {
    ...sizeUniforms(g),
    batch: g.batch,
    grid_w: t.gridW,
    row_period: t.rowPeriod,
    col_period: t.colPeriod,
    tiles_w: t.tilesW,
    tiles: t.tiles,
    tile_stride: t.tileStride,
    shift_top: t.shiftTop,
    shift_left: t.shiftLeft,
  };
}

const filterWg = 64;

/** vec4 channels per workgroup of the input and output transforms (8 tile lanes each). */
const channelRows = 8;

/** Workgroups over blocks of 8 tiles (x, y: tileStride of them) and of 32 channels (z). */
function tileWorkgroups(g: ConvGeometry, channels: number): [number, number, number] {
  return [...tileGrid(Math.ceil(winogradTiling(g).tileStride / 8)), Math.ceil(channels / (4 * channelRows))];
}

const winogradFilter: GpuKernel<ConvGeometry> = {
  shader: filterWgsl,
  constants: () => ({ WG: filterWg }),
  uniforms,
  workgroups: (g) => grid1d((g.outC / 4) * g.inC, filterWg),
};

const winogradInput: GpuKernel<ConvGeometry> = {
  shader: inputWgsl,
  constants: () => ({ WG_Y: channelRows }),
  uniforms,
  workgroups: (g) => tileWorkgroups(g, g.outC),
};

const winogradOutput: GpuKernel<ConvGeometry> = {
  shader: outputWgsl,
  constants: () => ({ WG_Y: channelRows }),
  uniforms,
  workgroups: (g) => tileWorkgroups(g, g.inC),
};

/** WebGPU dispatches of the Winograd transforms. */
export const winogradGpuKernels: GpuKernels<WinogradKernels> = {
  winograd_filter: winogradFilter,
  winograd_input: winogradInput,
  winograd_output: winogradOutput,
};
