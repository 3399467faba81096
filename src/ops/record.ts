import type { Tensor } from '../tensor.js';
import { recordRule } from '../autodiff/rules.js';
import type { OpContexts, OpName } from './gradients.js';

/**
 * Records op `name` (its kernel id where it has one) with what its backward rule needs, on every
 * recording tape; a no-op when nothing records. The rule itself is `name`'s entry of the table in
 * src/ops/gradients.ts, which TypeScript keeps complete.
 */
export function record<K extends OpName>(name: K, out: Tensor, inputs: readonly Tensor[], ctx: OpContexts[K]): void {
  recordRule(out.engine, name, out, inputs, ctx);
}

/** The context of ops whose rule needs nothing saved (or that have none). */
export type NoContext = Record<string, never>;

/**
 * @internal Makes `t` a constant to the tape (jax.lax.stop_gradient): what an op computes from
 * it gets no gradient through it. Returns `t`. For values an op uses only as a shift or a guess,
 * such as logSumExp's maximum.
 */
export function stopGradient(t: Tensor): Tensor {
  record('stop_gradient', t, [], {});
  return t;
}
