import type { GpuKernels } from './index.js';
import { arenaChunk, type ArenaParams, type OptimKernels } from '../../../kernel_ids/optim.js';
import { grid1d, maxWorkgroupsPerDim, type GpuKernel, type ShaderSource, type UniformValues } from './kernel_spec.js';
import arenaWgsl from '../../../../shaders/optim/arena.wgsl';
import sgdWgsl from '../../../../shaders/optim/sgd.wgsl';
import rmspropWgsl from '../../../../shaders/optim/rmsprop.wgsl';
import adamWgsl from '../../../../shaders/optim/adam.wgsl';
import adamwWgsl from '../../../../shaders/optim/adamw.wgsl';
import adamaxWgsl from '../../../../shaders/optim/adamax.wgsl';
import nadamWgsl from '../../../../shaders/optim/nadam.wgsl';
import adagradWgsl from '../../../../shaders/optim/adagrad.wgsl';
import adadeltaWgsl from '../../../../shaders/optim/adadelta.wgsl';
import lionWgsl from '../../../../shaders/optim/lion.wgsl';
import gradSqNormsWgsl from '../../../../shaders/optim/grad_sq_norms.wgsl';
import clipScaleWgsl from '../../../../shaders/optim/clip_scale.wgsl';
import unitNormRowsWgsl from '../../../../shaders/optim/unit_norm_rows.wgsl';

const wg = 256;

/**
 * An update kernel: shaders/optim/arena.wgsl (the shared bindings, helpers and entry point) goes
 * in front of the optimizer's shader as its prelude; one workgroup per arena chunk, one
 * invocation per vec4 of the arena.
 */
function updateKernel<P extends ArenaParams>(file: string, code: string, uniforms: (p: P) => UniformValues): GpuKernel<P> {
  const shader: ShaderSource = { file: `shaders/optim/${file}`, code };
  return {
    shader,
    prelude: `// shaders/optim/arena.wgsl\n${arenaWgsl}`,
    uniforms: (p) => ({ n: p.n, nvars: p.nvars, clip_value: p.clipValue, ...uniforms(p) }),
    workgroups: (p) => (p.nvars === 0 ? [0, 1, 1] : grid1d(p.n, arenaChunk)),
  };
}

/** Row length up to which unitNormRows runs one invocation per row (SERIAL in unit_norm_rows.wgsl). */
const serialNormCols = 256;

/** One workgroup per item, on a 2-D grid past 65535 items. */
function itemGrid(count: number): [number, number, number] {
  if (count <= maxWorkgroupsPerDim) return [count, 1, 1];
  return [maxWorkgroupsPerDim, Math.ceil(count / maxWorkgroupsPerDim), 1];
}

/** WebGPU dispatches of the optimizer kernels. */
export const optimGpuKernels: GpuKernels<OptimKernels> = {
  sgd: updateKernel('sgd.wgsl', sgdWgsl, (p) => ({ lr: p.lr, momentum: p.momentum, nesterov: p.nesterov })),
  rmsprop: updateKernel('rmsprop.wgsl', rmspropWgsl, (p) => ({
    lr: p.lr,
    rho: p.rho,
    momentum: p.momentum,
    epsilon: p.epsilon,
    centered: p.centered,
    epsilon_inside: p.epsilonInside,
  })),
  adam: updateKernel('adam.wgsl', adamWgsl, (p) => ({
    alpha: p.alpha,
    beta1: p.beta1,
    beta2: p.beta2,
    epsilon: p.epsilon,
    amsgrad: p.amsgrad,
  })),
  adamw: updateKernel('adamw.wgsl', adamwWgsl, (p) => ({
    alpha: p.alpha,
    beta1: p.beta1,
    beta2: p.beta2,
    epsilon: p.epsilon,
    amsgrad: p.amsgrad,
    lr: p.lr,
    weight_decay: p.weightDecay,
  })),
  adamax: updateKernel('adamax.wgsl', adamaxWgsl, (p) => ({ lr_t: p.lrT, beta1: p.beta1, beta2: p.beta2, epsilon: p.epsilon })),
  nadam: updateKernel('nadam.wgsl', nadamWgsl, (p) => ({
    lr: p.lr,
    beta1: p.beta1,
    beta2: p.beta2,
    epsilon: p.epsilon,
    m_t: p.mT,
    m_t1: p.mT1,
    m_schedule_new: p.mScheduleNew,
    m_schedule_next: p.mScheduleNext,
    v_denom: p.vDenom,
  })),
  adagrad: updateKernel('adagrad.wgsl', adagradWgsl, (p) => ({ lr: p.lr, epsilon: p.epsilon })),
  adadelta: updateKernel('adadelta.wgsl', adadeltaWgsl, (p) => ({ lr: p.lr, rho: p.rho, epsilon: p.epsilon })),
  lion: updateKernel('lion.wgsl', lionWgsl, (p) => ({ lr: p.lr, beta1: p.beta1, beta2: p.beta2, weight_decay: p.weightDecay })),
  grad_sq_norms: {
    shader: { file: 'shaders/optim/grad_sq_norms.wgsl', code: gradSqNormsWgsl },
    constants: () => ({ WG: wg }),
    uniforms: (p) => ({ nvars: p.nvars }),
    workgroups: (p) => itemGrid(p.nvars),
  },
  clip_scale: {
    shader: { file: 'shaders/optim/clip_scale.wgsl', code: clipScaleWgsl },
    constants: () => ({ WG: wg }),
    uniforms: (p) => ({ nvars: p.nvars, clip_norm: p.clipNorm, mode: p.mode }),
    workgroups: (p) => (p.nvars === 0 ? [0, 1, 1] : [1, 1, 1]),
  },
  unit_norm_rows: {
    // Short rows: one invocation each; long rows: a workgroup each, summing as a tree.
    shader: { file: 'shaders/optim/unit_norm_rows.wgsl', code: unitNormRowsWgsl },
    constants: (p) => ({ WG: 64, SERIAL: p.cols <= serialNormCols ? 1 : 0 }),
    uniforms: (p) => ({ rows: p.rows, cols: p.cols, factor: p.factor, epsilon: p.epsilon }),
    workgroups: (p) => (p.cols === 0 ? [0, 1, 1] : p.cols <= serialNormCols ? grid1d(p.rows, 64) : itemGrid(p.rows)),
  },
};
