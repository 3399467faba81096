/** Saving and restoring an optimizer's state: the step count and each variable's slots. */
import type { Engine } from '../engine.js';
import type { Variable } from '../tensor.js';
import type { ParamGroup } from './arena.js';

/** One variable's slots by Keras slot name ('m', 'v', 'rms', ...). */
export type VariableSlots = Record<string, Float32Array>;

/** What `getState` returns and `setState` takes. */
export interface OptimizerState {
  /** Updates applied (drives bias corrections and schedules). */
  iterations: number;
  /** Slots per variable, keyed by `Variable.name`. */
  slots: Record<string, VariableSlots>;
}

/** Reads one arena's slots (one readback) and splits them per variable and slot. */
export async function readGroupState(
  e: Engine,
  group: ParamGroup,
  vars: readonly Variable[],
  slotNames: readonly string[],
): Promise<Record<string, VariableSlots>> {
  const out: Record<string, VariableSlots> = {};
  if (slotNames.length === 0) {
    for (const v of vars) out[v.name] = {};
    return out;
  }
  const raw = await e.readStorage(group.slots, slotNames.length * group.n);
  for (const v of vars) {
    const at = group.indexOf(v);
    const slots: VariableSlots = {};
    slotNames.forEach((name, j) => {
      const start = j * group.n + group.offsets[at]!;
      slots[name] = Float32Array.from(raw.subarray(start, start + v.size));
    });
    out[v.name] = slots;
  }
  return out;
}

/**
 * Uploads one variable's slots into its region of the slot arena. Uploads run ahead of recorded
 * work: the caller submits first when recorded work may still write these slots.
 */
export function writeSlots(e: Engine, group: ParamGroup, index: number, slots: VariableSlots, slotNames: readonly string[]): void {
  const v = group.vars[index]!;
  checkSlotSizes(v, slots);
  slotNames.forEach((name, j) => {
    if (v.size > 0) e.backend.upload(group.slotView(j, index), slots[name]!);
  });
}

/** Every slot of a variable must have one value per element. */
export function checkSlotSizes(v: Variable, slots: VariableSlots): void {
  for (const [name, values] of Object.entries(slots)) {
    if (values.length !== v.size) {
      throw new Error(`setState: slot '${name}' of variable '${v.name}' has ${values.length} values, the variable ${v.size}`);
    }
  }
}

/** Checks the shape of a state object against the optimizer's slots. */
export function checkState(state: OptimizerState, optimizer: string, slotNames: readonly string[]): void {
  if (!state || typeof state !== 'object' || !state.slots || typeof state.slots !== 'object') {
    throw new Error('setState: expected an object { iterations, slots } from getState');
  }
  if (!Number.isInteger(state.iterations) || state.iterations < 0) {
    throw new Error(`setState: iterations must be a non-negative integer, got ${String(state.iterations)}`);
  }
  const expected = [...slotNames].sort().join(', ');
  for (const [name, slots] of Object.entries(state.slots)) {
    const got = Object.keys(slots ?? {}).sort().join(', ');
    if (got !== expected) {
      throw new Error(`setState: variable '${name}' has slots [${got}], ${optimizer} with these options has [${expected}]`);
    }
    for (const [slot, values] of Object.entries(slots)) {
      if (!(values instanceof Float32Array)) throw new Error(`setState: slot '${slot}' of variable '${name}' must be a Float32Array`);
    }
  }
}
