/**
 * Constraints: projections applied to a variable after each update, as Keras's `kernel_constraint`
 * (the optimizer applies them after `apply_gradients`). The built-in ones run on the GPU: box
 * constraints (nonNeg, clipTo) inside the update kernel itself, unitNormRows as one dispatch per
 * variable. A function `(v) => Tensor` is a user constraint, run with ops and assigned back.
 */
import { checkNumber } from '../ops/validate.js';
import type { Tensor, Variable } from '../tensor.js';

/** Largest finite float32: the "unbounded" side of a box constraint. */
export const float32Max = 3.4028234663852886e38;

/** Clamp every element to [lo, hi], fused into the update kernel. */
export interface BoxConstraint {
  readonly kind: 'box';
  readonly lo: number;
  readonly hi: number;
}

/** Scale each row (last axis) to norm `factor`; a 1-D variable is one row. */
export interface UnitNormRowsConstraint {
  readonly kind: 'unitNormRows';
  readonly factor: number;
}

/** A user constraint: a new value computed with ops from the updated variable. */
export type ConstraintFn = (v: Tensor) => Tensor;

/** What may constrain a variable. */
export type Constraint = BoxConstraint | UnitNormRowsConstraint | ConstraintFn;

/** The `constraints` option of optimizers: per variable. */
export type ConstraintsOption = ReadonlyMap<Variable, Constraint> | readonly { var: Variable; constraint: Constraint }[];

/** Non-negative values: w = max(w, 0) (Keras NonNeg). */
export function nonNeg(): BoxConstraint {
  return { kind: 'box', lo: 0, hi: float32Max };
}

/** Values clipped to [min, max] (e.g. an image kept in [0, 1]). */
export function clipTo(min: number, max: number): BoxConstraint {
  checkNumber('clipTo', 'min', min, { infinite: true });
  checkNumber('clipTo', 'max', max, { infinite: true });
  if (!(min <= max)) throw new Error(`clipTo: min (${min}) must not exceed max (${max})`);
  return { kind: 'box', lo: Math.max(min, -float32Max), hi: Math.min(max, float32Max) };
}

/**
 * Rows (the last axis) scaled to norm `factor`: w = w · factor / (1e-7 + ‖row‖), as Keras UnitNorm
 * along the last axis. A 1-D variable is a single row.
 */
export function unitNormRows(factor = 1): UnitNormRowsConstraint {
  checkNumber('unitNormRows', 'factor', factor);
  return { kind: 'unitNormRows', factor };
}

/** The constraint factories, as `e.optim.constraints`. */
export const constraints = { nonNeg, clipTo, unitNormRows };

/** Keras's backend epsilon, as in UnitNorm. */
export const unitNormEpsilon = 1e-7;

/** Normalizes the option into a map, checking every entry. */
export function constraintMap(option: ConstraintsOption | undefined, op: string): Map<Variable, Constraint> {
  const map = new Map<Variable, Constraint>();
  if (!option) return map;
  const entries: [Variable, Constraint][] = option instanceof Map ? [...option.entries()] : (option as readonly { var: Variable; constraint: Constraint }[]).map((e) => [e.var, e.constraint]);
  for (const [v, c] of entries) {
    if (!v || !(v as Variable).isVariable) throw new Error(`${op}: constraints must be keyed by variables`);
    const ok = typeof c === 'function' || (c && (c.kind === 'box' || c.kind === 'unitNormRows'));
    if (!ok) throw new Error(`${op}: the constraint of variable '${v.name}' is not a constraint (use nonNeg(), clipTo(a, b), unitNormRows() or a function)`);
    if (map.has(v)) throw new Error(`${op}: variable '${v.name}' has two constraints`);
    map.set(v, c);
  }
  return map;
}
