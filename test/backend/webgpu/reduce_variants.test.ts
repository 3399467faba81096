// Every variant of the row and column reductions (sum, max, min, prod) against the CPU reference,
// forced on odd shapes: rows of 1, 17, 65, 257 and 5,000 elements, columns (a leading axis, so
// inner > 1), NaN among the values (max and min propagate it). Lazy plans run reductions as
// generated kernels that embed the variant's text (graph/codegen.ts): that is the path tested
// here, fused with an elementwise producer too; an eager engine runs the handwritten kernels.
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine, type Tensor } from '../../../src/index.js';
import { cpuEngine, gpuEngine } from '../../helpers/engines.js';
import { checkVariant, input, type Problem } from './variant_check.js';

type Reduction = 'sum' | 'max' | 'min' | 'prod';

function reduction(op: Reduction, shape: number[], axis: number, options: { nan?: boolean; fused?: boolean } = {}): Problem {
  return {
    name: `${op} of [${shape}] over axis ${axis}${options.nan ? ' with NaN' : ''}${options.fused ? ' of exp(x)' : ''}`,
    run: (e: Engine): Tensor => {
      let x = input(e, shape, 7);
      // prod of many values in [-1, 1) underflows to 0: keep them near 1.
      if (op === 'prod') x = x.mul(0.02).add(1);
      if (options.nan) x = x.add(e.tensor(Array.from({ length: x.size }, (_, i) => (i === 3 ? NaN : 0)), shape));
      if (options.fused) x = x.exp();
      return x[op](axis);
    },
  };
}

function problems(op: Reduction): Problem[] {
  return [
    reduction(op, [1, 1], 1),
    reduction(op, [17, 65], 1),
    reduction(op, [5, 257], 1, { fused: true }),
    reduction(op, [3, 5000], 1),
    reduction(op, [65, 17], 0),
    reduction(op, [3, 257, 5], 1),
    reduction(op, [2, 40, 9], 1, { nan: true }),
    reduction(op, [3, 300], 1, { nan: true }),
  ];
}

const kernels: [string, Reduction][] = [
  ['reduce_sum', 'sum'],
  ['reduce_max', 'max'],
  ['reduce_min', 'min'],
  ['reduce_prod', 'prod'],
];

describe('reduction variants match the CPU reference', () => {
  for (const [kernel, op] of kernels) {
    it(`${kernel}: every variant, in lazy plans (generated kernels)`, async () => {
      const gpu = await gpuEngine();
      const cpu = await cpuEngine();
      expect(gpu.tuning.variants(kernel).length).toBeGreaterThan(1);
      for (const variant of gpu.tuning.variants(kernel)) {
        const ran = await checkVariant(gpu, cpu, kernel, variant, problems(op), 1e-4, 1e-4);
        expect(ran, `${kernel} ${variant} ran on ${ran} problems`).toBeGreaterThanOrEqual(3);
      }
    });
  }

  it('reduce_sum: every variant, eager (the handwritten kernels)', async () => {
    await gpuEngine();
    const eager = await createEngine({ lazy: false, autotune: 'off' });
    try {
      const cpu = await cpuEngine();
      for (const variant of eager.tuning.variants('reduce_sum')) {
        const ran = await checkVariant(eager, cpu, 'reduce_sum', variant, problems('sum'), 1e-4, 1e-4);
        expect(ran, `reduce_sum ${variant} ran on ${ran} problems`).toBeGreaterThanOrEqual(3);
      }
    } finally {
      eager.destroy();
    }
  });
});
