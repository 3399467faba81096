/**
 * The pending graph of lazy execution (DESIGN.md, "One execution path"): ops append nodes here
 * instead of dispatching, and a boundary (a read, a flush, a size bound, an upload into a buffer
 * the graph uses, the end of a step) compiles and runs them as one plan.
 *
 * A node names its buffers by slot, in order of first use. A buffer made by a kernel of this
 * graph is virtual (no GPU memory, `pendingSlot` set) until the boundary: if it is freed before
 * then (a tidy-disposed intermediate) it is internal and the plan keeps it in its own memory or
 * never writes it at all; if it is still live it gets a pooled buffer at the boundary. Every other
 * buffer (variables, uploads, earlier results) is external: the plan binds whatever buffer the
 * slot holds when it runs.
 *
 * The signature (signature.ts) grows with each node: kernel ids, parameters and slots, so that
 * the plan cache finds a compiled plan for a graph of the same structure without looking at
 * anything else. Dispatches recorded inside replayable host code (an optimizer's update, whose
 * step count and learning rate change every step) are dynamic: their parameters are left out of
 * the signature and their uniforms are packed again on every run.
 */
import type { GpuBuffer } from '../device/buffer_pool.js';
import type { KernelId } from '../../../kernel_ids/registry.js';
import { intern, Signature } from './signature.js';

/** One kernel dispatch of the pending graph. */
export interface DispatchNode {
  kind: 'dispatch';
  kernel: KernelId;
  params: object;
  /** Inputs, then outputs. */
  buffers: GpuBuffer[];
  firstOutput: number;
  /** Params re-evaluated per run (not part of the signature): see the file comment. */
  dynamic: boolean;
  /** The caller's stack, kept only in debug mode (createEngine({ debug: { stacks: true } })). */
  stack?: string;
  /** Step capture: draws the params of a replay (src/compile/dynamic_params.ts). */
  refresh?: () => object;
}

/** A copy between buffers (copyBufferToBuffer). */
export interface CopyNode {
  kind: 'copy';
  src: GpuBuffer;
  dst: GpuBuffer;
  numel: number;
  stack?: string;
}

/**
 * Step capture only: host code that encodes its own commands, run again on every replay (an
 * optimizer's update with its step count, a loss recorder's slot: Backend.runReplayable).
 */
export interface HostNode {
  kind: 'host';
  run: () => void;
  /** Buffers it reads that the graph writes (they must stay written). */
  reads: GpuBuffer[];
}

export type GraphNode = DispatchNode | CopyNode | HostNode;

/** What a slot holds. */
export interface SlotInfo {
  /** The buffer recorded in the slot (the first wrapper seen for its memory range). */
  buffer: GpuBuffer;
  /** Made by a kernel of this graph (virtual until the boundary). */
  born: boolean;
  /** For external buffers: the index of their GPU buffer among the graph's (views share it). */
  root: number;
}

// Markers of the signature.
const NODE_DISPATCH = -10.5;
const NODE_COPY = -11.5;
const DYNAMIC = -12.5;
const NEW_BORN = -13.5;
const NEW_EXTERNAL = -14.5;
const LIVENESS = -15.5;
const NODE_HOST = -16.5;

/** The pending graph of one engine. */
export class Recording {
  readonly nodes: GraphNode[] = [];
  readonly slots: SlotInfo[] = [];
  readonly signature = new Signature();
  /** Physical buffers by wrapper, and views by memory range: one slot per range. */
  private readonly externalSlots = new Map<GpuBuffer, number>();
  private readonly rangeSlots = new Map<string, number>();
  private readonly roots = new Map<GPUBuffer, number>();
  /** Virtual buffers made for this graph (in slots or not yet used). */
  readonly born: GpuBuffer[] = [];
  /** Physical buffers freed while the graph uses them: back to the pool after the boundary. */
  readonly deferredFrees: GpuBuffer[] = [];

  get isEmpty(): boolean {
    return this.nodes.length === 0;
  }

  /** A virtual buffer of `numel` elements for a kernel output of this graph. */
  allocate(numel: number): GpuBuffer {
    const b: GpuBuffer = { numel, gpu: null as unknown as GPUBuffer, uid: 0, byteOffset: 0, isView: false, pendingSlot: -1, pending: this };
    this.born.push(b);
    return b;
  }

  /** True when the graph reads or writes this physical buffer's memory range (or its root). */
  uses(b: GpuBuffer): boolean {
    return this.externalSlots.has(b) || this.roots.has(b.gpu);
  }

  /** The GPU buffers of the graph's external slots (views share their root's). */
  get externalRoots(): IterableIterator<GPUBuffer> {
    return this.roots.keys();
  }

  dispatch(kernel: KernelId, params: object, buffers: GpuBuffer[], firstOutput: number, dynamic: boolean, stack: string | undefined, refresh?: () => object): void {
    const s = this.signature;
    s.push(NODE_DISPATCH);
    s.push(intern(kernel));
    if (dynamic) s.push(DYNAMIC);
    else s.pushValue(params);
    s.push(buffers.length);
    s.push(firstOutput);
    for (const b of buffers) this.pushSlot(b);
    this.nodes.push({ kind: 'dispatch', kernel, params, buffers, firstOutput, dynamic, stack, refresh });
  }

  /** Host code (step capture): see HostNode. */
  host(run: () => void, reads: readonly GpuBuffer[]): void {
    this.signature.push(NODE_HOST);
    for (const b of reads) this.pushSlot(b);
    this.nodes.push({ kind: 'host', run, reads: [...reads] });
  }

  /** Adds what a dynamic node's pipeline and grid depend on (its params stay out). */
  dynamicShape(values: readonly number[]): void {
    for (const v of values) this.signature.push(v);
  }

  copy(src: GpuBuffer, dst: GpuBuffer, numel: number, stack: string | undefined): void {
    const s = this.signature;
    s.push(NODE_COPY);
    s.push(numel);
    this.pushSlot(src);
    this.pushSlot(dst);
    this.nodes.push({ kind: 'copy', src, dst, numel, stack });
  }

  /** The slot of a buffer as the signature sees it: new slots describe themselves. */
  private pushSlot(b: GpuBuffer): void {
    const s = this.signature;
    if (b.pending === this) {
      if (b.pendingSlot! < 0) {
        b.pendingSlot = this.slots.push({ buffer: b, born: true, root: -1 }) - 1;
        s.push(NEW_BORN);
        s.push(b.numel);
      } else s.push(b.pendingSlot!);
      return;
    }
    if (b.pending) throw new Error('lazy execution: a buffer of another pending graph was recorded (engines mixed)');
    let slot = this.externalSlots.get(b);
    if (slot === undefined) {
      // Another wrapper of the same memory (a view made again) shares the slot.
      const range = b.isView ? `${b.uid}@${b.byteOffset}+${b.numel}` : null;
      slot = range === null ? undefined : this.rangeSlots.get(range);
      if (slot === undefined) {
        let root = this.roots.get(b.gpu);
        if (root === undefined) {
          root = this.roots.size;
          this.roots.set(b.gpu, root);
        }
        slot = this.slots.push({ buffer: b, born: false, root }) - 1;
        if (range !== null) this.rangeSlots.set(range, slot);
        this.externalSlots.set(b, slot);
        s.push(NEW_EXTERNAL);
        s.push(root);
        s.push(b.isView ? b.byteOffset : -1);
        s.push(b.numel);
        return;
      }
      this.externalSlots.set(b, slot);
    }
    s.push(slot);
  }

  /** The slot a buffer of this graph was recorded in. */
  slotOf(b: GpuBuffer): number {
    if (b.pending === this) return b.pendingSlot!;
    const slot = this.externalSlots.get(b);
    if (slot === undefined) throw new Error('lazy execution: a buffer was not recorded in this graph');
    return slot;
  }

  /**
   * Ends the signature with which born slots are still live (not freed): a plan keeps its
   * internal buffers to itself and writes the live ones where the run binds them.
   */
  sealLiveness(): void {
    const s = this.signature;
    s.push(LIVENESS);
    let bits = 0;
    let count = 0;
    for (const slot of this.slots) {
      if (!slot.born) continue;
      if (slot.buffer.pendingFreed) bits |= 1 << count;
      if (++count === 30) {
        s.push(bits);
        bits = 0;
        count = 0;
      }
    }
    s.push(bits);
  }
}
