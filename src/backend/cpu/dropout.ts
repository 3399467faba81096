import type { CpuArray, CpuKernels } from './kernel_table.js';
import type { DropoutKernels, DropoutParams } from '../../kernel_ids/dropout.js';
import { uniform01 } from './creation.js';

function dropoutKernel([x]: CpuArray[], [y]: CpuArray[], p: DropoutParams): void {
  // The mask must match the GPU's bit for bit: compare in float32 as the shader does.
  const rate = Math.fround(p.rate);
  const scale = Math.fround(p.scale);
  for (let i = 0; i < p.n; i++) {
    let rem = i;
    let maskIndex = 0;
    for (let d = p.shape.length - 1; d >= 0; d--) {
      const size = p.shape[d]!;
      maskIndex += (rem % size) * p.noiseStrides[d]!;
      rem = Math.floor(rem / size);
    }
    // x · 0 where dropped, as TensorFlow computes it: a dropped NaN stays NaN.
    y![i] = x![i]! * (uniform01(p.seed, maskIndex, 0) >= rate ? scale : 0);
  }
}

/** CPU twin of the dropout kernel (shaders/dropout/dropout.wgsl). */
export const dropoutCpuKernels: CpuKernels<DropoutKernels> = { dropout: dropoutKernel };
