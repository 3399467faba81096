/**
 * Runs a problem with one kernel variant forced (`e.tuning.force`) and compares the result with
 * the CPU reference. Whether the variant actually ran is read from `e.tuning.used()`: a problem
 * the variant is not eligible for runs the heuristic instead and does not count.
 */
import { expect } from 'vitest';
import type { Engine, Tensor } from '../../../src/index.js';
import { expectClose } from '../../helpers/allclose.js';
import { uniformValues } from '../../helpers/random.js';

/** A computation on deterministic inputs; it must dispatch `kernel` at least once. */
export interface Problem {
  name: string;
  run(e: Engine): Tensor;
}

/** A tensor of uniform values in [-1, 1) from `seed`. */
export function input(e: Engine, shape: number[], seed: number): Tensor {
  return e.tensor(uniformValues(shape.reduce((a, b) => a * b, 1), -1, 1, seed), shape);
}

/**
 * Runs every problem on `gpu` with `variant` of `kernel` forced and on `cpu`; returns how many
 * problems ran the variant (the others ran the fallback and are not compared).
 */
export async function checkVariant(gpu: Engine, cpu: Engine, kernel: string, variant: string, problems: readonly Problem[], atol = 1e-4, rtol = 1e-4): Promise<number> {
  let ran = 0;
  gpu.tuning.force(kernel, variant);
  try {
    for (const problem of problems) {
      gpu.tuning.used(true);
      const got = gpu.tidy(() => problem.run(gpu));
      const data = await got.data();
      got.dispose();
      const used = gpu.tuning.used(true)[kernel] ?? {};
      expect(Object.keys(used).length, `${problem.name}: dispatches ${kernel}`).toBeGreaterThan(0);
      if (!used[variant]) continue;
      ran++;
      const want = cpu.tidy(() => problem.run(cpu));
      expectClose(data, await want.data(), atol, rtol, `${kernel} ${variant} on ${problem.name}`);
      want.dispose();
    }
  } finally {
    gpu.tuning.force(kernel, null);
  }
  return ran;
}
