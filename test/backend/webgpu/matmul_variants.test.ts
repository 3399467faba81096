// Every matmul and matvec variant against the CPU reference, forced on odd shapes (1, 17, 65,
// 257, sizes past a tile edge), transposed operands and batches; on lavapipe every variant runs,
// the subgroup ones too (Dawn offers `subgroups` there).
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../../src/index.js';
import { cpuEngine, gpuEngine } from '../../helpers/engines.js';
import { checkVariant, input, type Problem } from './variant_check.js';

function product(sa: number[], sb: number[], ta = false, tb = false): Problem {
  return {
    name: `[${sa}]${ta ? 'ᵀ' : ''} x [${sb}]${tb ? 'ᵀ' : ''}`,
    run: (e: Engine) => input(e, sa, 1).matmul(input(e, sb, 2), ta, tb),
  };
}

const products: Problem[] = [
  product([2, 1], [1, 1]),
  product([17, 5], [5, 3]),
  product([65, 33], [33, 17]),
  product([3, 257], [257, 9]),
  product([33, 17], [65, 17], false, true),
  product([17, 65], [17, 20], true, false),
  product([9, 65], [17, 9], true, true),
  product([2, 17, 9], [9, 5]),
  // Whole vec4 rows: the vec4 and subgroup variants.
  product([17, 20], [20, 36]),
  product([65, 64], [64, 68]),
  product([257, 36], [36, 132]),
  product([36, 65], [36, 20], true, false),
  product([33, 20], [68, 20], false, true),
  product([20, 36], [44, 20], true, true),
  product([3, 17, 12], [3, 12, 40]),
  product([2, 9, 8], [8, 36]),
  product([130, 132], [132, 260]),
];

const vectorProducts: Problem[] = [
  product([1, 17], [17, 5]),
  product([1, 257], [257, 65]),
  product([1, 4100], [4100, 36]),
  product([1, 65], [9, 65], false, true),
  product([1, 4100], [33, 4100], false, true),
  product([1, 36], [20, 36], false, true),
  product([3, 1, 40], [3, 40, 9]),
];

describe('matmul variants match the CPU reference', () => {
  for (const [kernel, problems, least] of [['matmul', products, 4], ['matvec', vectorProducts, 2]] as const) {
    it(`${kernel}: every variant`, async () => {
      const gpu = await gpuEngine();
      const cpu = await cpuEngine();
      expect(gpu.tuning.variants(kernel).length).toBeGreaterThan(1);
      for (const variant of gpu.tuning.variants(kernel)) {
        const ran = await checkVariant(gpu, cpu, kernel, variant, problems);
        expect(ran, `${kernel} ${variant} ran on ${ran} problems`).toBeGreaterThanOrEqual(least);
      }
    });
  }
});
