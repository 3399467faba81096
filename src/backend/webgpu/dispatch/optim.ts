import type { GpuKernels } from './index.js';
import { arenaChunk, type AdamParams, type ArenaParams, type OptimKernels } from '../../../kernel_ids/optim.js';
import { grid1d, gridPerItem, type GpuKernel, type ShaderSource, type UniformValues } from './kernel_spec.js';
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
 * An update kernel: the optimizer's shader, which includes shaders/optim/common/arena.wgsl (the
 * shared bindings, helpers and entry point); one workgroup per arena chunk, one invocation per
 * vec4 of the arena.
 */
function updateKernel<P extends ArenaParams>(shader: ShaderSource, uniforms: (p: P) => UniformValues): GpuKernel<P> {
  return {
    shader,
    uniforms: (p) => ({ n: p.n, nvars: p.nvars, clip_value: p.clipValue, ...uniforms(p) }),
    workgroups: (p) => (p.nvars === 0 ? [0, 1, 1] : grid1d(p.n, arenaChunk)),
  };
}

/** The members of Adam's step (shaders/optim/common/adam_step.wgsl). */
function adamUniforms(p: AdamParams): UniformValues {
  return { alpha: p.alpha, beta1: p.beta1, beta2: p.beta2, epsilon: p.epsilon, amsgrad: p.amsgrad };
}

/** Row length up to which unitNormRows runs one invocation per row (SERIAL in unit_norm_rows.wgsl). */
const serialNormCols = 256;

/** WebGPU dispatches of the optimizer kernels. */
export const optimGpuKernels: GpuKernels<OptimKernels> = {
  sgd: updateKernel(sgdWgsl, (p) => ({ lr: p.lr, momentum: p.momentum, nesterov: p.nesterov })),
  rmsprop: updateKernel(rmspropWgsl, (p) => ({
    lr: p.lr,
    rho: p.rho,
    momentum: p.momentum,
    epsilon: p.epsilon,
    centered: p.centered,
    epsilon_inside: p.epsilonInside,
  })),
  // Adam and AdamW share their uniform struct (shaders/optim/common/adam_step.wgsl): Adam leaves
  // AdamW's decay at 0.
  adam: updateKernel(adamWgsl, (p) => ({ ...adamUniforms(p), lr: 0, weight_decay: 0 })),
  adamw: updateKernel(adamwWgsl, (p) => ({ ...adamUniforms(p), lr: p.lr, weight_decay: p.weightDecay })),
  adamax: updateKernel(adamaxWgsl, (p) => ({ lr_t: p.lrT, beta1: p.beta1, beta2: p.beta2, epsilon: p.epsilon })),
  nadam: updateKernel(nadamWgsl, (p) => ({
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
  adagrad: updateKernel(adagradWgsl, (p) => ({ lr: p.lr, epsilon: p.epsilon })),
  adadelta: updateKernel(adadeltaWgsl, (p) => ({ lr: p.lr, rho: p.rho, epsilon: p.epsilon })),
  lion: updateKernel(lionWgsl, (p) => ({ lr: p.lr, beta1: p.beta1, beta2: p.beta2, weight_decay: p.weightDecay })),
  grad_sq_norms: {
    shader: gradSqNormsWgsl,
    constants: () => ({ WG: wg }),
    uniforms: (p) => ({ nvars: p.nvars }),
    workgroups: (p) => gridPerItem(p.nvars),
  },
  clip_scale: {
    shader: clipScaleWgsl,
    constants: () => ({ WG: wg }),
    uniforms: (p) => ({ nvars: p.nvars, clip_norm: p.clipNorm, mode: p.mode }),
    workgroups: (p) => (p.nvars === 0 ? [0, 1, 1] : [1, 1, 1]),
  },
  unit_norm_rows: {
    // Short rows: one invocation each; long rows: a workgroup each, summing as a tree.
    shader: unitNormRowsWgsl,
    constants: (p) => ({ WG: 64, SERIAL: p.cols <= serialNormCols ? 1 : 0 }),
    uniforms: (p) => ({ rows: p.rows, cols: p.cols, factor: p.factor, epsilon: p.epsilon }),
    workgroups: (p) => (p.cols === 0 ? [0, 1, 1] : p.cols <= serialNormCols ? grid1d(p.rows, 64) : gridPerItem(p.rows)),
  },
};
