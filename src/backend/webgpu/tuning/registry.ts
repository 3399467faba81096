/** The kernel ids with variants, and their variant lists (src/backend/webgpu/dispatch/*.ts). */
import type { KernelId } from '../../../kernel_ids/registry.js';
import { matmulVariants, matvecVariants } from '../dispatch/matmul.js';
import { conv2dBackpropFilterVariants, conv2dBackpropInputDirectVariants, conv2dBackpropInputVariants, conv2dVariants } from '../dispatch/conv.js';
import { reduceVariantsById } from '../dispatch/reduce.js';
import type { TunableKernel } from './variants.js';

/** Per kernel id with more than one program: its variants. */
export const tunableKernels: Partial<Record<KernelId, TunableKernel<never>>> = {
  matmul: matmulVariants as TunableKernel<never>,
  matvec: matvecVariants as TunableKernel<never>,
  conv2d: conv2dVariants as TunableKernel<never>,
  conv2d_backprop_input: conv2dBackpropInputVariants as TunableKernel<never>,
  conv2d_backprop_input_direct: conv2dBackpropInputDirectVariants as TunableKernel<never>,
  conv2d_backprop_filter: conv2dBackpropFilterVariants as TunableKernel<never>,
  ...(reduceVariantsById as Record<keyof typeof reduceVariantsById, TunableKernel<never>>),
};
