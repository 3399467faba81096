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
 *
 * A loop records the same graph at every iteration: a recording can be given the plan expected
 * next (`Expectation`). It then only compares the signature and keeps no node objects (a plan hit
 * needs only the slots' buffers and the dynamic nodes' params); at the first difference it makes
 * the nodes recorded so far from the plan's node templates and goes on as any recording.
 */
import type { GpuBuffer } from '../device/buffer_pool.js';
import type { KernelId } from '../../../kernel_ids/registry.js';
import { intern, sameValue, Signature } from './signature.js';

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
  /** How many numbers the params took in the signature (-1 for dynamic nodes). */
  paramsLength: number;
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

/** A node as a plan keeps it: buffers by slot (the recording that expects the plan fills them in). */
export type NodeTemplate =
  | { kind: 'dispatch'; kernel: KernelId; params: object; slots: number[]; firstOutput: number; dynamic: boolean; paramsLength: number }
  | { kind: 'copy'; slots: [number, number]; numel: number };

/** What a recording expects: the signature, node templates and slot count of a compiled plan. */
export interface Expectation {
  readonly signature: Signature;
  readonly templates: readonly NodeTemplate[];
  readonly slotCount: number;
}

/** A recording's per-slot arrays, handed from a finished recording to a new one. */
export interface SlotArrays {
  readonly buffers: GpuBuffer[];
  readonly roots: number[];
}

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

/** The `pendingSlot` of a shared freed buffer (internalBuffer): in many slots, its own in none. */
const sharedSlot = -3;

/** The pending graph of one engine. */
export class Recording {
  /** The nodes (while the recording matches an expectation, they are not made: see nodeCount). */
  readonly nodes: GraphNode[] = [];
  /** Nodes recorded. */
  nodeCount = 0;
  /**
   * Per slot: the buffer recorded there, and its root (-1: born in this graph). Sized for the
   * expected plan's slots up front (a force-loss step takes 20,000: growing them made a
   * megabyte of garbage a step), so their length is not the slot count: `slotCount` is.
   */
  readonly slotBuffers: GpuBuffer[];
  private readonly slotRoots: number[];
  private slotsTaken = 0;
  readonly signature = new Signature();
  /** While matching an expectation: the params of its dynamic nodes, by node index. */
  private readonly dynamicParams = new Map<number, object>();
  private readonly templates: readonly NodeTemplate[] | null;
  /** Physical buffers by wrapper, and views by memory range: one slot per range. */
  private readonly externalSlots = new Map<GpuBuffer, number>();
  private readonly rangeSlots = new Map<string, number>();
  private readonly roots = new Map<GPUBuffer, number>();
  /** Virtual buffers made for this graph (in slots or not yet used). */
  readonly born: GpuBuffer[] = [];
  /** The shared freed buffers of blocks taken at once, by size (internalBuffer). */
  private readonly freedBySize = new Map<number, GpuBuffer>();
  /** Physical buffers freed while the graph uses them: back to the pool after the boundary. */
  readonly deferredFrees: GpuBuffer[] = [];

  /**
   * `expected`: the plan this recording is likely to be (see the file comment), or null.
   * `spare`: slot arrays a finished recording gave back (`giveBackSlots`), used when large enough.
   */
  constructor(
    readonly expected: Expectation | null = null,
    spare: SlotArrays | null = null,
  ) {
    this.templates = expected?.templates ?? null;
    const reuse = expected !== null && spare !== null && spare.buffers.length >= expected.slotCount;
    this.slotBuffers = reuse ? spare.buffers : expected ? new Array<GpuBuffer>(expected.slotCount) : [];
    this.slotRoots = reuse ? spare.roots : expected ? new Array<number>(expected.slotCount) : [];
    if (expected) {
      this.signature.expect(expected.signature);
      this.signature.onDiverge = () => this.catchUp();
    }
  }

  get isEmpty(): boolean {
    return this.nodeCount === 0;
  }

  /** True while everything recorded matches the expected plan (no node objects are made). */
  get matching(): boolean {
    return this.signature.matching;
  }

  /** Makes the nodes recorded so far from the expected plan's templates (the first difference came). */
  private catchUp(): void {
    this.ownSharedSlots();
    const t = this.templates!;
    const bufferOf = (k: number): GpuBuffer => this.slotBuffers[k]!;
    for (let i = this.nodes.length; i < this.nodeCount; i++) {
      const n = t[i]!;
      if (n.kind === 'copy') this.nodes.push({ kind: 'copy', src: bufferOf(n.slots[0]), dst: bufferOf(n.slots[1]), numel: n.numel });
      else {
        const params = n.dynamic ? this.dynamicParams.get(i)! : n.params;
        this.nodes.push({ kind: 'dispatch', kernel: n.kernel, params, buffers: n.slots.map(bufferOf), firstOutput: n.firstOutput, dynamic: n.dynamic, paramsLength: n.paramsLength });
      }
    }
  }

  /** The params a dispatch node was recorded with. */
  paramsOf(node: number): object {
    return this.dynamicParams.get(node) ?? (this.nodes[node] as DispatchNode).params;
  }

  /** The nodes as a plan keeps them. */
  templatesOf(): NodeTemplate[] {
    return this.nodes.map((n): NodeTemplate => {
      if (n.kind === 'copy') return { kind: 'copy', slots: [this.slotOf(n.src), this.slotOf(n.dst)], numel: n.numel };
      if (n.kind === 'host') throw new Error('lazy execution: host code cannot be part of a cached plan');
      return { kind: 'dispatch', kernel: n.kernel, params: n.params, slots: n.buffers.map((b) => this.slotOf(b)), firstOutput: n.firstOutput, dynamic: n.dynamic, paramsLength: n.paramsLength };
    });
  }

  /** A virtual buffer of `numel` elements for a kernel output of this graph. */
  allocate(numel: number): GpuBuffer {
    const b = this.virtualBuffer(numel, false);
    this.born.push(b);
    return b;
  }

  /**
   * A virtual buffer already freed (internal to this graph): what allocate and a free before the
   * boundary leave, for a block taken at once (block_replay.ts). One per size serves every slot
   * of that size: a plan run reads nothing of them but their liveness, and a force-loss step's
   * backward block frees about 7,000 buffers, which would live to the boundary. If the recording
   * diverges, `ownSharedSlots` gives each such slot a buffer of its own before any node names it.
   */
  internalBuffer(numel: number): GpuBuffer {
    let b = this.freedBySize.get(numel);
    if (b === undefined) {
      b = this.virtualBuffer(numel, true);
      b.pendingSlot = sharedSlot;
      this.freedBySize.set(numel, b);
    }
    return b;
  }

  /**
   * The slot arrays, emptied, for a later recording: an eager step's take 20,000 slots, and
   * arrays that size were made anew at every boundary. The recording is done with afterwards.
   */
  giveBackSlots(): SlotArrays {
    this.slotBuffers.fill(undefined as unknown as GpuBuffer, 0, this.slotsTaken);
    return { buffers: this.slotBuffers, roots: this.slotRoots };
  }

  /** Replaces the shared freed buffers in slots (internalBuffer) with one buffer per slot. */
  private ownSharedSlots(): void {
    if (this.freedBySize.size === 0) return;
    for (let k = 0; k < this.slotsTaken; k++) {
      const b = this.slotBuffers[k]!;
      if (b.pendingSlot !== sharedSlot) continue;
      const own = this.virtualBuffer(b.numel, true);
      own.pendingSlot = k;
      this.slotBuffers[k] = own;
    }
    this.freedBySize.clear();
  }

  private virtualBuffer(numel: number, freed: boolean): GpuBuffer {
    // Every field the buffer will get, from the start: one shape for all of them, and no
    // property store added when it is freed (a force-loss step makes 20,000).
    return { numel, gpu: null as unknown as GPUBuffer, uid: 0, byteOffset: 0, isView: false, pendingSlot: -1, pending: this, pendingFreed: freed, released: false };
  }

  /** True when the graph reads or writes this physical buffer's memory range (or its root). */
  uses(b: GpuBuffer): boolean {
    return this.externalSlots.has(b) || this.roots.has(b.gpu);
  }

  /** The GPU buffers of the graph's external slots (views share their root's). */
  get externalRoots(): IterableIterator<GPUBuffer> {
    return this.roots.keys();
  }

  /**
   * Records a dispatch reading `inputs` and writing `outputs`; `shape` (dynamic dispatches
   * only): what their pipeline and grid depend on, which the signature keeps instead of params.
   */
  dispatch(kernel: KernelId, params: object, inputs: readonly GpuBuffer[], outputs: readonly GpuBuffer[], dynamic: boolean, stack: string | undefined, refresh?: () => object, shape?: readonly number[]): void {
    const s = this.signature;
    s.push(NODE_DISPATCH);
    s.push(intern(kernel));
    let paramsLength = -1;
    if (dynamic) {
      s.push(DYNAMIC);
      if (shape) for (let i = 0; i < shape.length; i++) s.push(shape[i]!);
    } else {
      // Matching the expected plan, params equal to its node's have its encoding: skip over it
      // instead of encoding them (a replayed backward pass passes the very same objects).
      const expected = s.matching ? this.templates?.[this.nodeCount] : undefined;
      if (expected?.kind === 'dispatch' && expected.kernel === kernel && expected.paramsLength >= 0 && sameValue(params, expected.params) && s.skip(expected.paramsLength)) {
        paramsLength = expected.paramsLength;
      } else {
        const at = s.length;
        s.pushValue(params);
        paramsLength = s.length - at;
      }
    }
    s.push(inputs.length + outputs.length);
    s.push(inputs.length);
    for (let i = 0; i < inputs.length; i++) this.pushSlot(inputs[i]!);
    for (let i = 0; i < outputs.length; i++) this.pushSlot(outputs[i]!);
    const index = this.nodeCount++;
    if (s.matching) {
      if (dynamic) this.dynamicParams.set(index, params);
      return;
    }
    const buffers = new Array<GpuBuffer>(inputs.length + outputs.length);
    for (let i = 0; i < inputs.length; i++) buffers[i] = inputs[i]!;
    for (let i = 0; i < outputs.length; i++) buffers[inputs.length + i] = outputs[i]!;
    this.nodes.push({ kind: 'dispatch', kernel, params, buffers, firstOutput: inputs.length, dynamic, stack, refresh, paramsLength });
  }

  /** Host code (step capture): see HostNode. */
  host(run: () => void, reads: readonly GpuBuffer[]): void {
    this.signature.diverge();
    this.signature.push(NODE_HOST);
    for (const b of reads) this.pushSlot(b);
    this.nodeCount++;
    this.nodes.push({ kind: 'host', run, reads: [...reads] });
  }

  copy(src: GpuBuffer, dst: GpuBuffer, numel: number, stack: string | undefined): void {
    const s = this.signature;
    s.push(NODE_COPY);
    s.push(numel);
    this.pushSlot(src);
    this.pushSlot(dst);
    this.nodeCount++;
    if (!s.matching) this.nodes.push({ kind: 'copy', src, dst, numel, stack });
  }

  /** The slot of a buffer as the signature sees it: new slots describe themselves. */
  private pushSlot(b: GpuBuffer): void {
    const s = this.signature;
    if (b.pending === this) {
      if (b.pendingSlot! < 0) {
        this.newBornSlot(b);
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
        const root = this.rootOf(b.gpu);
        slot = this.newExternalSlot(b, root);
        if (range !== null) this.rangeSlots.set(range, slot);
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

  private newBornSlot(b: GpuBuffer): void {
    const slot = this.slotsTaken++;
    this.slotBuffers[slot] = b;
    this.slotRoots[slot] = -1;
    // A shared freed buffer (internalBuffer) keeps its mark: it stands in many slots.
    if (b.pendingSlot !== sharedSlot) b.pendingSlot = slot;
  }

  /** The index of a GPU buffer among the graph's external ones (a new one is numbered next). */
  private rootOf(gpu: GPUBuffer): number {
    let root = this.roots.get(gpu);
    if (root === undefined) {
      root = this.roots.size;
      this.roots.set(gpu, root);
    }
    return root;
  }

  private newExternalSlot(b: GpuBuffer, root: number): number {
    const slot = this.slotsTaken++;
    this.slotBuffers[slot] = b;
    this.slotRoots[slot] = root;
    this.externalSlots.set(b, slot);
    return slot;
  }

  // ---- blocks taken at once (block_replay.ts) -------------------------------------------------

  /**
   * Where a buffer stands, as a block's first use of it would record it: its slot, -1 for none
   * yet, -2 for what blocks do not take (views, buffers of another graph).
   */
  slotNow(b: GpuBuffer): number {
    if (b.pending === this) return b.pendingSlot!;
    if (b.pending || b.isView) return -2;
    return this.externalSlots.get(b) ?? -1;
  }

  /** The root index an external buffer's GPU buffer has, or -1 (it would get the next one). */
  rootNow(b: GpuBuffer): number {
    return this.roots.get(b.gpu) ?? -1;
  }

  /** Slots taken so far. */
  get slotCount(): number {
    return this.slotsTaken;
  }

  /** Dynamic nodes recorded so far (their params are kept per node). */
  get dynamicCount(): number {
    return this.dynamicParams.size;
  }

  /**
   * Takes `nodes` nodes whose signature is the expected one's next `length` numbers, known to
   * match (block_replay.ts checks that), with `newSlots` the buffers they use for the first time,
   * in order, as symbols of a call block (call_block.ts): k >= 0 is `made[k]` (a virtual buffer
   * of this graph), -(i + 1) is `external[i]` (not a view).
   */
  takeMatched(nodes: number, length: number, newSlots: Int32Array, made: readonly GpuBuffer[], external: readonly GpuBuffer[]): void {
    if (!this.signature.skip(length)) throw new Error('lazy execution: a block was taken past the end of the expected plan');
    for (let i = 0; i < newSlots.length; i++) {
      const sym = newSlots[i]!;
      const b = sym >= 0 ? made[sym]! : external[-sym - 1]!;
      if (b.pending === this) this.newBornSlot(b);
      else this.newExternalSlot(b, this.rootOf(b.gpu));
    }
    this.nodeCount += nodes;
  }

  /** What each slot holds (for compiling a plan). */
  get slots(): SlotInfo[] {
    this.ownSharedSlots();
    return this.slotBuffers.slice(0, this.slotsTaken).map((buffer, k) => ({ buffer, born: this.slotRoots[k] === -1, root: this.slotRoots[k]! }));
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
    for (let k = 0; k < this.slotsTaken; k++) {
      if (this.slotRoots[k] !== -1) continue;
      if (this.slotBuffers[k]!.pendingFreed) bits |= 1 << count;
      if (++count === 30) {
        s.push(bits);
        bits = 0;
        count = 0;
      }
    }
    s.push(bits);
  }
}
