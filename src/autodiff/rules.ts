/**
 * How an op declares its derivative, and how a recorded op finds it. Every op the tape records is
 * listed with its rule or mark in one typed table (src/ops/gradients.ts): an op missing there is
 * a compile error, an op recorded under a name the installed table lacks is an error on first use,
 * and a kernel that ran without any op recording it is an error as soon as a gradient reaches
 * its output (src/autodiff/tape.ts). Nothing is silently zero.
 */
import type { Engine } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { constantOutput } from './tape.js';

/**
 * A backward rule: the op's saved context (what its forward pass computed and chose) and dy
 * give one gradient per input, null where an input gets none or `needed` says nobody wants it.
 * Rules are written with ops, so they are differentiable again (grad of grad).
 */
export type GradRule<C> = (ctx: C, dy: Tensor, needed: readonly boolean[]) => (Tensor | null)[];

/**
 * The mark of an op without a derivative (argmax, argmin; creation and random ops, which have
 * no tensor inputs). Its output may be used freely where no gradient flows (gather indices, a
 * comparison); a gradient that reaches it is an error naming the op.
 */
export const notDifferentiable = Object.freeze({ mark: 'not differentiable' as const });

/**
 * The mark of an op whose derivative is zero wherever it exists (floor, round, sign, step,
 * comparisons, logical ops, isNaN): its output is a constant to the tape, as TensorFlow's and
 * JAX's rules for these ops make it (None / a zero tangent). Masks built from comparisons
 * (`x.greater(0).mul(x)`) therefore differentiate as expected. Also `stop_gradient`.
 */
export const zeroGradient = Object.freeze({ mark: 'zero gradient' as const });

export type NotDifferentiable = typeof notDifferentiable;
export type ZeroGradient = typeof zeroGradient;

/** What the table holds for one op whose saved context has type C. */
export type Differentiation<C> = GradRule<C> | NotDifferentiable | ZeroGradient;

/** Rules for the ops named by the keys of `Contexts` (each op's saved context type): none may be missing. */
export type GradientTable<Contexts> = { readonly [K in keyof Contexts]: Differentiation<Contexts[K]> };

/** The installed table as a map: every recorded op looks its rule up (thousands a step). */
let installed = new Map<string, Differentiation<never>>();

/** @internal Installs the table of every op's rule (src/ops/gradients.ts does, once). */
export function installGradients(table: Readonly<Record<string, Differentiation<never>>>): void {
  installed = new Map(Object.entries(table));
}

/**
 * @internal Records `out = op(inputs)` on every recording tape of `e` with the op's entry of the
 * installed table; a no-op when nothing records. Use the typed `record` of src/ops/record.ts.
 */
export function recordRule(e: Engine, op: string, out: Tensor, inputs: readonly Tensor[], ctx: unknown): void {
  if (!e.isRecording) return;
  const rule = installed.get(op) as Differentiation<unknown> | undefined;
  if (rule === undefined) {
    throw new Error(`${op}: this op has no backward rule and no not-differentiable mark in the gradient table (src/ops/gradients.ts)`);
  }
  // A rule with its context, no closure per op (a step records thousands).
  if (typeof rule === 'function') e.recordRule(op, out, inputs, rule as GradRule<unknown>, ctx);
  // Also a rule, with what its error names as context: a closure would keep the tape from being
  // replayed (backward_key.ts), and a loss that makes a constant with `eye` or `fill` every step
  // would run its backward rules every step.
  else if (rule === notDifferentiable) e.recordRule(op, out, inputs, notDifferentiableRule as GradRule<unknown>, { op, out });
  else e.record(op, out, inputs, constantOutput);
}

/** The rule of a not-differentiable op: an error naming it, once a gradient reaches its output. */
const notDifferentiableRule: GradRule<{ op: string; out: Tensor }> = ({ op, out }) => {
  throw new Error(
    `gradient: '${op}' is not differentiable, but the gradient asked for flows into its output ${out} ` +
      '(use its result only where no gradient is needed, such as gather indices or comparisons)',
  );
};
