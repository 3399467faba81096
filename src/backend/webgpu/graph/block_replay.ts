/**
 * Blocks of calls taken by the pending graph at once (call_block.ts): a replayed backward pass
 * makes thousands of small calls (a force-loss step about 14,000), and each one, made singly,
 * walks the tuner, the signature compare and the slot bookkeeping only to find what it found
 * the step before: the expected plan's next nodes, on buffers in the same slots.
 *
 * So the first replay of a block in matching mode is watched (`watch`): where the recording
 * stood (the expected plan, the signature's length, the slots taken), the slot of every
 * external buffer the block uses, and, at the end, how far the signature moved, how many nodes
 * it recorded and which buffers took the new slots. A later replay of the block is taken at once
 * (`take`) when the recording stands exactly there again: the same expected plan, the same
 * length of matched signature, the same number of slots, and each external buffer of the block
 * in the slot it was in (or, new, under the same root). What the calls would push then is a
 * function of those alone (the kernels and params are the block's own objects), so it is the
 * expected plan's numbers that were matched before: the recording steps over them, makes the
 * block's virtual buffers (those it frees stand in their slots as one shared freed buffer per
 * size: Recording.internalBuffer) and gives the new slots out in the same order.
 *
 * Kernels with variants pass through the tuner's choice: a block is taken only while the
 * tuner's choices are those it was watched with, and counts the variants it used then.
 */
import { ALLOC_DEVICE, FREE, RUN, type CallBlock } from '../../call_block.js';
import { tunableKernels } from '../tuning/registry.js';
import { usageSince, type VariantUsage } from '../tuning/tuner.js';
import type { GpuBuffer } from '../device/buffer_pool.js';
import type { Expectation, Recording } from './recording.js';

/** Where a watched block was recorded, and what it did there. */
interface BlockTrace {
  readonly expected: Expectation;
  /** The signature's length, and the slots taken, when the block began. */
  readonly start: number;
  readonly slotsBefore: number;
  /** Per external buffer the block uses (`used`): its slot then (-1: none), and its root if none. */
  readonly slots: Int32Array;
  readonly roots: Int32Array;
  /** The signature's length after the block, and the nodes it recorded. */
  readonly end: number;
  readonly nodes: number;
  /** The symbols of the buffers that took new slots, in order. */
  readonly newSlots: Int32Array;
  /** The tuner's generation, and the kernel variants the block used (null: none with variants). */
  readonly tuningGeneration: number;
  readonly usage: VariantUsage | null;
}

/** What a block's calls are, read once per block. */
interface BlockShape {
  /** False when the block holds calls other than device allocations, frees and kernel runs. */
  readonly takeable: boolean;
  /** Whether it runs kernels with variants. */
  readonly tuned: boolean;
  /** The external buffers the block uses (indices into `external`), each once. */
  readonly used: Int32Array;
  /** Per buffer the block allocates: its size, and 1 where the block frees it too (internal). */
  readonly sizes: Int32Array;
  readonly freed: Uint8Array;
}

/** The pending graph's side of a block taken at once (LazyExecutor implements it). */
export interface BlockHost {
  /** The recording now. */
  readonly graph: Recording;
  /** Allocates a virtual buffer (counted as live memory). */
  allocate(numel: number): GpuBuffer;
  /** Counts nodes recorded (the backend's stats), and the kernel variants they use. */
  counted(nodes: number, usage: VariantUsage | null): void;
  /** Counts changes of the tuner's choices. */
  readonly tuningGeneration: number;
  /** The tuner's usage counts so far. */
  usage(): VariantUsage;
  /** The most nodes a graph may hold before it runs. */
  readonly maxNodes: number;
}

export class BlockReplays {
  private readonly shapes = new WeakMap<CallBlock, BlockShape>();
  private readonly traces = new WeakMap<CallBlock, BlockTrace>();
  /** Off: every block's calls run one by one (a switch for tests and measurements). */
  enabled = true;
  /** Blocks taken at once (for tests). */
  taken = 0;

  constructor(private readonly host: BlockHost) {}

  private shapeOf(block: CallBlock): BlockShape {
    let shape = this.shapes.get(block);
    if (shape) return shape;
    let takeable = true;
    let tuned = false;
    const used = new Set<number>();
    const sizes = new Int32Array(block.allocations);
    const freed = new Uint8Array(block.allocations);
    let allocated = 0;
    for (let c = 0; c < block.ops.length; c++) {
      const op = block.ops[c]!;
      if (op === ALLOC_DEVICE) sizes[allocated++] = block.counts[c]!;
      else if (op === FREE) freed[block.syms[block.starts[c]!]!] = 1;
      else if (op === RUN) {
        if (tunableKernels[block.kernels[c]!]) tuned = true;
        for (let i = block.starts[c]!; i < block.starts[c + 1]!; i++) if (block.syms[i]! < 0) used.add(-block.syms[i]! - 1);
      } else takeable = false;
    }
    shape = { takeable, tuned, used: Int32Array.from(used), sizes, freed };
    this.shapes.set(block, shape);
    return shape;
  }

  /**
   * Runs the block at once if its trace says the recording stands where it stood when the trace
   * was made; the buffers it allocated by symbol, or null (nothing done).
   */
  take(block: CallBlock, external: readonly GpuBuffer[]): GpuBuffer[] | null {
    const trace = this.traces.get(block);
    const graph = this.host.graph;
    if (
      !this.enabled ||
      trace === undefined ||
      !graph.matching ||
      graph.expected !== trace.expected ||
      graph.signature.length !== trace.start ||
      graph.slotCount !== trace.slotsBefore ||
      graph.signature.expectedLeft < trace.end - trace.start ||
      this.host.tuningGeneration !== trace.tuningGeneration ||
      graph.nodeCount + trace.nodes >= this.host.maxNodes
    ) {
      return null;
    }
    const { used, sizes, freed } = this.shapeOf(block);
    for (let i = 0; i < used.length; i++) {
      const b = external[used[i]!]!;
      const slot = graph.slotNow(b);
      if (slot !== trace.slots[i] || (slot === -1 && graph.rootNow(b) !== trace.roots[i])) return null;
    }
    // A buffer the block frees is made freed (shared per size): allocating and freeing it would
    // change nothing else.
    const made = new Array<GpuBuffer>(sizes.length);
    for (let k = 0; k < sizes.length; k++) made[k] = freed[k] ? graph.internalBuffer(sizes[k]!) : this.host.allocate(sizes[k]!);
    graph.takeMatched(trace.nodes, trace.end - trace.start, trace.newSlots, made, external);
    this.host.counted(trace.nodes, trace.usage);
    this.taken++;
    return made;
  }

  /**
   * Before a block's calls run one by one: notes where the recording stands, and returns what
   * makes the trace after them (null: the block cannot be taken from here).
   */
  watch(block: CallBlock, external: readonly GpuBuffer[]): ((made: readonly GpuBuffer[]) => void) | null {
    const shape = this.shapeOf(block);
    const graph = this.host.graph;
    if (!this.enabled || !shape.takeable || !graph.matching || graph.expected === null) return null;
    const expected = graph.expected;
    const start = graph.signature.length;
    const slotsBefore = graph.slotCount;
    const nodesBefore = graph.nodeCount;
    const dynamicBefore = graph.dynamicCount;
    const tuningGeneration = this.host.tuningGeneration;
    const usageBefore = shape.tuned ? this.host.usage() : null;
    const slots = new Int32Array(shape.used.length);
    const roots = new Int32Array(shape.used.length);
    for (let i = 0; i < shape.used.length; i++) {
      const b = external[shape.used[i]!]!;
      slots[i] = graph.slotNow(b);
      if (slots[i] === -2) return null;
      roots[i] = slots[i] === -1 ? graph.rootNow(b) : 0;
    }
    return (made) => {
      // The same recording, still matching the same plan, and nothing recorded but dispatches.
      if (this.host.graph !== graph || !graph.matching || graph.expected !== expected || graph.dynamicCount !== dynamicBefore) return;
      if (this.host.tuningGeneration !== tuningGeneration) return;
      const symbols = new Map<GpuBuffer, number>();
      for (let k = 0; k < made.length; k++) {
        if (made[k]!.pending !== graph) return;
        symbols.set(made[k]!, k);
      }
      for (let i = 0; i < shape.used.length; i++) if (!symbols.has(external[shape.used[i]!]!)) symbols.set(external[shape.used[i]!]!, -shape.used[i]! - 1);
      const newSlots = new Int32Array(graph.slotCount - slotsBefore);
      for (let k = 0; k < newSlots.length; k++) {
        const sym = symbols.get(graph.slotBuffers[slotsBefore + k]!);
        if (sym === undefined) return;
        newSlots[k] = sym;
      }
      const usage = usageBefore && usageSince(this.host.usage(), usageBefore);
      this.traces.set(block, { expected, start, slotsBefore, slots, roots, end: graph.signature.length, nodes: graph.nodeCount - nodesBefore, newSlots, tuningGeneration, usage });
    };
  }
}
