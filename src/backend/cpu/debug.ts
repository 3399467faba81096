import type { CpuArray, CpuKernels } from './kernel_table.js';
import type { DebugKernels, NonFiniteParams } from '../../kernel_ids/debug.js';

function nonFinite([x]: CpuArray[], [flags]: CpuArray[], p: NonFiniteParams): void {
  for (let i = 0; i < p.n; i++) {
    if (!Number.isFinite(x![i]!)) {
      flags![p.slot] = 1;
      return;
    }
  }
}

/** CPU twin of the tracer's kernel (shaders/debug/nonfinite.wgsl). */
export const debugCpuKernels: CpuKernels<DebugKernels> = { debug_nonfinite: nonFinite };
