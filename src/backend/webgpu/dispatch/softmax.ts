import type { GpuKernels } from './index.js';
import type { RowParams, SoftmaxKernels } from '../../../kernel_ids/softmax.js';
import { gridPerItem, type GpuKernel, type ShaderSource } from './kernel_spec.js';
import softmaxWgsl from '../../../../shaders/softmax/softmax.wgsl';
import logSoftmaxWgsl from '../../../../shaders/softmax/log_softmax.wgsl';
import softmaxBackwardWgsl from '../../../../shaders/softmax/softmax_backward.wgsl';
import logSoftmaxBackwardWgsl from '../../../../shaders/softmax/log_softmax_backward.wgsl';
import softmaxCrossEntropyWgsl from '../../../../shaders/softmax/softmax_cross_entropy.wgsl';
import softmaxCrossEntropyBackwardWgsl from '../../../../shaders/softmax/softmax_cross_entropy_backward.wgsl';
import sparseSoftmaxCrossEntropyWgsl from '../../../../shaders/softmax/sparse_softmax_cross_entropy.wgsl';
import sparseSoftmaxCrossEntropyBackwardWgsl from '../../../../shaders/softmax/sparse_softmax_cross_entropy_backward.wgsl';

const wg = 64;

/** A row kernel (shaders/softmax/common/row_kernel.wgsl): one workgroup per row. */
function rowKernel(shader: ShaderSource): GpuKernel<RowParams> {
  return {
    shader,
    constants: () => ({ WG: wg }),
    uniforms: (p) => ({ rows: p.rows, cols: p.cols }),
    workgroups: (p) => gridPerItem(p.rows),
  };
}

/** WebGPU dispatches of the softmax and cross-entropy kernels. */
export const softmaxGpuKernels: GpuKernels<SoftmaxKernels> = {
  softmax: rowKernel(softmaxWgsl),
  log_softmax: rowKernel(logSoftmaxWgsl),
  softmax_backward: rowKernel(softmaxBackwardWgsl),
  log_softmax_backward: rowKernel(logSoftmaxBackwardWgsl),
  softmax_cross_entropy: rowKernel(softmaxCrossEntropyWgsl),
  softmax_cross_entropy_backward: rowKernel(softmaxCrossEntropyBackwardWgsl),
  sparse_softmax_cross_entropy: rowKernel(sparseSoftmaxCrossEntropyWgsl),
  sparse_softmax_cross_entropy_backward: rowKernel(sparseSoftmaxCrossEntropyBackwardWgsl),
};
