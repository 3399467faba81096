/**
 * The parameter arena (DESIGN.md): the variables one optimizer updates together live as views of
 * one storage buffer, each at an offset aligned for binding; their gradients are copied into a
 * gradient arena of the same layout and the optimizer's slots (moments, accumulators) sit in a slot
 * arena of `slots × n` elements. One kernel dispatch then updates every variable.
 */
import type { BackendBuffer } from '../backend/backend.js';
import type { Engine } from '../engine.js';
import type { Storage, Tensor, Variable } from '../tensor.js';
import { arenaChunk, varTableStride } from '../kernel_ids/optim.js';
import type { BoxConstraint } from './constraints.js';

function roundUp(x: number, multiple: number): number {
  return Math.ceil(x / multiple) * multiple;
}

/** A group of variables laid out in one arena, with its gradient, slot and bookkeeping buffers. */
export class ParamGroup {
  /** Element offset of each variable in the arenas (a multiple of the backend's view alignment). */
  readonly offsets: number[];
  /** Arena length in elements: a multiple of the alignment, padding included. */
  readonly n: number;
  /** Each variable's storage once re-homed: a view of `params`. */
  readonly views: Storage[];
  readonly params: Storage;
  readonly grads: Storage;
  /** Optimizer state: slot j of element i at j·n + i (one element when there are no slots). */
  readonly slots: Storage;
  /** Per variable: [start, end) and the box constraint (struct VarInfo of shaders/optim/common/var_info.wgsl). */
  readonly table: Storage;
  /** Per-variable gradient factor read by the update kernel: 1, or the clip-by-norm factor. */
  readonly scale: Storage;
  /** Squared gradient norms per variable, when clipping by norm. */
  readonly sqNorms: Storage | null;
  private readonly gradViews: BackendBuffer[];
  private disposed = false;

  /**
   * Lays out `vars`, copies their values into a new arena and re-homes each variable's storage to
   * its view there. Slot j starts filled with `slotInit[j]`.
   */
  constructor(
    private readonly engine: Engine,
    readonly vars: readonly Variable[],
    readonly slotCount: number,
    slotInit: readonly number[],
    boxes: readonly (BoxConstraint | undefined)[],
    clipsByNorm: boolean,
  ) {
    const e = engine;
    // Both are powers of two: the larger is a multiple of the smaller.
    const align = Math.max(e.backend.viewAlignment, arenaChunk);
    this.offsets = [];
    let cursor = 0;
    for (const v of vars) {
      this.offsets.push(cursor);
      cursor = roundUp(cursor + v.size, align);
    }
    this.n = roundUp(Math.max(cursor, 1), align);
    const n = this.n;

    // Pooled buffers hold stale data: zero the arenas so that padding stays 0 forever.
    this.params = e.allocStorage(n);
    e.backend.upload(this.params.buffer, new Float32Array(n));
    this.views = vars.map((v, i) => {
      const view = e.viewStorage(this.params, this.offsets[i]!, v.size);
      if (v.size > 0) e.backend.copyBuffer(v.storage.buffer, view.buffer, v.size);
      v.storage.release();
      v.storage = view;
      return view;
    });

    this.grads = e.allocStorage(n);
    e.backend.upload(this.grads.buffer, new Float32Array(n));
    this.gradViews = vars.map((v, i) => e.backend.view(this.grads.buffer, this.offsets[i]!, v.size));

    const slotValues = new Float32Array(Math.max(slotCount * n, 1));
    for (let j = 0; j < slotCount; j++) slotValues.fill(slotInit[j]!, j * n, (j + 1) * n);
    this.slots = e.allocStorage(slotValues.length);
    e.backend.upload(this.slots.buffer, slotValues);

    this.table = e.allocStorage(vars.length * varTableStride);
    e.backend.upload(this.table.buffer, packTable(vars, this.offsets, boxes));
    this.scale = e.allocStorage(vars.length);
    e.backend.upload(this.scale.buffer, new Float32Array(vars.length).fill(1));
    this.sqNorms = clipsByNorm ? e.allocStorage(vars.length) : null;
  }

  /** True while every variable is alive and still stored in this arena. */
  get isIntact(): boolean {
    return !this.disposed && this.vars.every((v, i) => !v.isDisposed && v.storage === this.views[i]);
  }

  /** Index of a variable in this group, or -1. */
  indexOf(v: Variable): number {
    return this.vars.indexOf(v);
  }

  /** Copies each gradient into its place in the gradient arena (no compute dispatch). */
  loadGradients(grads: readonly Tensor[]): void {
    grads.forEach((g, i) => {
      if (g.size > 0) this.engine.backend.copyBuffer(g.storage.buffer, this.gradViews[i]!, g.size);
    });
  }

  /** The region of slot `slot` that belongs to variable `index`. */
  slotView(slot: number, index: number): BackendBuffer {
    return this.engine.backend.view(this.slots.buffer, slot * this.n + this.offsets[index]!, this.vars[index]!.size);
  }

  /** Frees the group's buffers. The parameter arena lives on while variables still view it. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.params.release();
    this.grads.release();
    this.slots.release();
    this.table.release();
    this.scale.release();
    this.sqNorms?.release();
  }
}

/** Packs the variable table: u32 words as float32 bit patterns, so that one upload writes them. */
function packTable(vars: readonly Variable[], offsets: readonly number[], boxes: readonly (BoxConstraint | undefined)[]): Float32Array {
  const bytes = new ArrayBuffer(vars.length * varTableStride * 4);
  const words = new Uint32Array(bytes);
  const floats = new Float32Array(bytes);
  vars.forEach((v, i) => {
    const at = i * varTableStride;
    words[at] = offsets[i]!;
    words[at + 1] = offsets[i]! + v.size;
    const box = boxes[i];
    words[at + 2] = box ? 1 : 0;
    floats[at + 4] = box ? box.lo : 0;
    floats[at + 5] = box ? box.hi : 0;
  });
  return floats;
}
