// Every kernel variant (e.tuning.force) against the CPU reference in the browser: matmul, matvec,
// conv2d with both gradients, and the reductions, on tiny odd shapes (SwiftShader compiles each
// variant's pipelines). Subgroup variants run where the adapter can run them (e.tuning.subgroups);
// where it cannot, the page warns which were not run.
import type { Engine, Tensor } from '../../src/index.js';
import { expect } from '../expect.js';
import { cpuEngine, evaluate, gpuEngine } from '../engines.js';
import { describe, it } from '../runner.js';

const wave = (shape: number[], k: number): { values: number[]; shape: number[] } => ({
  values: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin((i + 1) * k)),
  shape,
});
const t = (e: Engine, shape: number[], k: number): Tensor => {
  const w = wave(shape, k);
  return e.tensor(w.values, w.shape);
};

/** conv2d's value and gradients, as one flat tensor (the gradient rules run both backward kernels). */
function convWithGradients(e: Engine, xShape: number[], wShape: number[], padding: 'same' | 'valid'): Tensor {
  const x = t(e, xShape, 0.3);
  const w = t(e, wShape, 0.7);
  const { value, grads } = e.valueAndGrad(() => x.conv2d(w, { padding }).square().sum(), [x, w]);
  return e.concat([value.reshape([1]), grads[0]!.reshape([-1]), grads[1]!.reshape([-1])], 0);
}

const problems: Record<string, ((e: Engine) => Tensor)[]> = {
  matmul: [
    (e) => t(e, [17, 20], 0.3).matmul(t(e, [20, 36], 0.5)),
    (e) => t(e, [33, 17], 0.3).matmul(t(e, [5, 17], 0.5), false, true),
    (e) => t(e, [20, 17], 0.3).matmul(t(e, [20, 36], 0.5), true, false),
    (e) => t(e, [2, 9, 8], 0.3).matmul(t(e, [8, 36], 0.5)),
  ],
  matvec: [(e) => t(e, [1, 40], 0.3).matmul(t(e, [40, 9], 0.5)), (e) => t(e, [1, 36], 0.3).matmul(t(e, [20, 36], 0.5), false, true)],
  conv2d: [(e) => t(e, [1, 9, 9, 3], 0.3).conv2d(t(e, [3, 3, 3, 8], 0.7), { padding: 'same' }), (e) => t(e, [2, 7, 7, 5], 0.3).conv2d(t(e, [2, 2, 5, 12], 0.7))],
  conv2d_backprop_input_direct: [(e) => convWithGradients(e, [1, 9, 9, 3], [3, 3, 3, 8], 'same')],
  conv2d_backprop_input: [(e) => convWithGradients(e, [1, 8, 8, 10], [3, 3, 10, 12], 'valid')],
  conv2d_backprop_filter: [(e) => convWithGradients(e, [1, 9, 9, 3], [3, 3, 3, 8], 'same'), (e) => convWithGradients(e, [1, 8, 8, 10], [3, 3, 10, 12], 'valid')],
  reduce_sum: [(e) => t(e, [5, 70], 0.3).sum(1), (e) => t(e, [40, 9], 0.3).sum(0), (e) => t(e, [2, 300], 0.3).exp().sum(1)],
  reduce_max: [(e) => t(e, [5, 70], 0.3).max(1), (e) => t(e, [40, 9], 0.3).max(0), (e) => e.tensor(wave([3, 40], 0.3).values.map((v, i) => (i === 45 ? NaN : v)), [3, 40]).max(1)],
};

/** The variants each kernel has (src/backend/webgpu/dispatch/*.ts); a test checks the list is current. */
const variantsOf: Record<string, string[]> = {
  matmul: ['lavapipe', 'tiles_64x64', 'tiles_128x64', 'vec4_32x32', 'vec4_64x64', 'vec4_128x128', 'subgroup_32x32', 'subgroup_32x64', 'subgroup_64x64'],
  matvec: ['lavapipe', 'workgroup_64x4', 'workgroup_32x8', 'subgroup'],
  conv2d: ['lavapipe', 'gemm_64x64', 'gemm_128x64', 'gemm_64x32', 'subgroup_64x32', 'subgroup_32x64', 'subgroup_64x64'],
  conv2d_backprop_input_direct: ['lavapipe', 'gemm_64x64', 'gemm_128x64', 'gemm_64x32'],
  conv2d_backprop_input: ['lavapipe', 'gemm_64x64', 'gemm_128x64', 'gemm_64x32'],
  conv2d_backprop_filter: ['lavapipe', 'gemm_64x64', 'gemm_128x64', 'gemm_64x32', 'subgroup_64x32', 'subgroup_32x64', 'subgroup_64x64'],
  reduce_sum: ['lavapipe', 'tree_256', 'tree_64', 'subgroup'],
  reduce_max: ['lavapipe', 'tree_256', 'tree_64', 'subgroup'],
};

describe('kernel variants', () => {
  it('are the ones these tests cover', async () => {
    const e = await gpuEngine();
    for (const [kernel, names] of Object.entries(variantsOf)) expect(e.tuning.variants(kernel)).toEqual(names);
  });

  for (const [kernel, names] of Object.entries(variantsOf)) {
    for (const variant of names) {
      it(`${kernel} ${variant} matches the CPU`, async () => {
        const gpu = await gpuEngine();
        const cpu = await cpuEngine();
        gpu.tuning.force(kernel, variant);
        let ran = 0;
        try {
          for (const problem of problems[kernel]!) {
            gpu.tuning.used(true);
            const got = await evaluate(gpu, problem);
            if (!gpu.tuning.used(true)[kernel]?.[variant]) continue;
            ran++;
            const want = await evaluate(cpu, problem);
            expect(got.shape).toEqual(want.shape);
            expect(got.values).toAllClose(want.values, { atol: 1e-4, rtol: 1e-4 });
          }
        } finally {
          gpu.tuning.force(kernel, null);
        }
        // Only subgroup variants may go unrun, and only where the adapter cannot run them.
        if (ran === 0 && variant.startsWith('subgroup') && !gpu.tuning.subgroups) {
          console.warn(`${kernel} ${variant}: not run (this adapter offers no subgroups of 8 to 64 lanes)`);
        } else if (ran === 0) throw new Error(`${kernel} ${variant} ran on none of the problems`);
      });
    }
  }
});
