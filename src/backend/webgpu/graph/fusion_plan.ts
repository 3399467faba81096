/**
 * Which dispatches of a captured step fusion merges (code generation is in fusion.ts). Walking the
 * commands in order, each elementwise dispatch (and each row reduction, for its input) inlines the
 * elementwise producers of its operands when that is safe:
 * - the operand buffer is internal to the step (allocated and freed while tracing: nothing outside
 *   the command list can see it) and has exactly one writer, the producer;
 * - nothing writes the producer's own inputs between the producer and the consumer;
 * - the merged kernel stays within the device's storage-binding limit and a size limit;
 * - a producer with several readers is inlined (recomputed) only when it is small and every reader
 *   is itself a fused consumer; it keeps running if any reader does not inline it.
 */
import type { GpuBuffer } from '../device/buffer_pool.js';
import { elementwiseNode, readsInPlaceOnly, type FusedTree, type FusionNode } from './fusion.js';

/** A dispatch as fusion sees it. */
export interface PlannedDispatch {
  kernel: string;
  params: Record<string, unknown>;
  buffers: GpuBuffer[];
  firstOutput: number;
}

/** A recorded command: a dispatch, or something else that reads and writes buffers. */
export type PlanCommand = { dispatch: PlannedDispatch } | { reads: GpuBuffer[]; writes: GpuBuffer[] };

export interface FusionPlan {
  nodes: Map<number, FusionNode>;
  operands: FusedTree['operands'];
  /** Commands whose work moved entirely into their consumers. */
  removed: Set<number>;
  /** Elementwise roots that inline at least one producer. */
  roots: number[];
  /** Row reductions and scatters → the producer tree computing their input. */
  prologues: Map<number, number>;
  /**
   * Row reductions → the elementwise command that runs in their store (the epilogue): the only
   * reader of the reduction's output, reading it element for element. The consumer does not run
   * on its own; the reduction writes the consumer's output instead of its own.
   */
  epilogues: Map<number, number>;
}

/**
 * Kernels whose input fusion may compute on the fly: row reductions (their input load,
 * shaders/reduce/reduce_rows.wgsl) and strided scatters (concat and stack write blocks this way).
 */
export const prologueConsumers = new Set(['reduce_sum', 'reduce_max', 'reduce_min', 'reduce_prod', 'scatter_strided']);

/**
 * Largest producer tree (in nodes) recomputed in each of several consumers. 8 takes in the
 * residual gradient of a linear regression (2/n·(x·w + b - y), 7 nodes), read by both gradient
 * sums: 5 → 4 dispatches per step. 16 made the force loss's step 143 → 207 dispatches (recomputed
 * trees split kernels that batched before).
 */
const maxRecomputedNodes = 8;
/** Largest fused tree (in nodes): bounds code size when recomputation nests. */
const maxTreeNodes = 48;

export function planFusion(commands: readonly PlanCommand[], internal: (b: GpuBuffer) => boolean, maxInputs: number): FusionPlan {
  const writers = new Map<GpuBuffer, number[]>();
  const readers = new Map<GpuBuffer, number[]>();
  /** Writers of any view of a GPU buffer: what may change a leaf's values. */
  const memoryWriters = new Map<GPUBuffer, number[]>();
  const push = <K>(m: Map<K, number[]>, b: K, i: number): void => {
    const list = m.get(b);
    if (list) list.push(i);
    else m.set(b, [i]);
  };
  commands.forEach((c, i) => {
    if ('dispatch' in c) {
      c.dispatch.buffers.forEach((b, k) => push(k < c.dispatch.firstOutput ? readers : writers, b, i));
      for (const b of c.dispatch.buffers.slice(c.dispatch.firstOutput)) push(memoryWriters, b.gpu, i);
    } else {
      for (const b of c.reads) push(readers, b, i);
      for (const b of c.writes) {
        push(writers, b, i);
        push(memoryWriters, b.gpu, i);
      }
    }
  });

  const nodes = new Map<number, FusionNode>();
  commands.forEach((c, i) => {
    if (!('dispatch' in c) || c.dispatch.buffers.length - c.dispatch.firstOutput !== 1) return;
    const node = elementwiseNode(c.dispatch.kernel, c.dispatch.params);
    if (node) nodes.set(i, node);
  });
  const isPrologueConsumer = (i: number): boolean => {
    const c = commands[i]!;
    return 'dispatch' in c && prologueConsumers.has(c.dispatch.kernel) && c.dispatch.firstOutput === 1;
  };
  // Every command reading b fuses its inputs (so a recomputed producer can disappear).
  const onlyFusedReaders = (b: GpuBuffer): boolean => readers.get(b)!.every((r) => nodes.has(r) || isPrologueConsumer(r));

  const operands: FusionPlan['operands'] = new Map();
  const leaves = new Map<number, Set<GpuBuffer>>();
  const sizes = new Map<number, number>();
  const inlinedCount = new Map<number, number>();
  const removedEarly = new Set<number>();

  /** The producer of `b` if its tree may be inlined into command i (writing `output`). */
  const inlinable = (b: GpuBuffer, i: number, output: GpuBuffer, elementwise: boolean): number => {
    const w = writers.get(b);
    const producer = w && w.length === 1 ? w[0]! : -1;
    if (producer < 0 || producer >= i || !nodes.has(producer) || removedEarly.has(producer) || !internal(b)) return -1;
    const count = readers.get(b)!.length;
    if (count > 1 && (sizes.get(producer)! > maxRecomputedNodes || !onlyFusedReaders(b))) return -1;
    const safe = [...leaves.get(producer)!].every(
      (leaf) =>
        // WebGPU forbids binding one buffer both read-only and writable in a dispatch; an
        // elementwise kernel may still read its own output where it writes it (in place:
        // v.assign(v.sub(g))), which readsInPlaceOnly checks once the tree is complete.
        (leaf.gpu !== output.gpu || (elementwise && leaf === output)) &&
        !(memoryWriters.get(leaf.gpu) ?? []).some((at) => at > producer && at < i),
    );
    return safe ? producer : -1;
  };
  const inline = (producer: number, times = 1): void => {
    inlinedCount.set(producer, (inlinedCount.get(producer) ?? 0) + times);
  };

  const prologues = new Map<number, number>();
  commands.forEach((c, i) => {
    if (!('dispatch' in c)) return;
    const d = c.dispatch;
    const output = d.buffers[d.buffers.length - 1]!;
    if (isPrologueConsumer(i)) {
      const producer = inlinable(d.buffers[0]!, i, output, false);
      if (producer >= 0 && leaves.get(producer)!.size <= maxInputs) {
        inline(producer);
        prologues.set(i, producer);
        const produced = d.buffers[0]!;
        if (inlinedCount.get(producer) === readers.get(produced)!.length) removedEarly.add(producer);
      }
      return;
    }
    const node = nodes.get(i);
    if (!node) return;
    const ops: ({ child: number } | { leaf: GpuBuffer })[] = [];
    const mine = new Set<GpuBuffer>();
    let size = 1;
    node.operands.forEach((_, k) => {
      const b = d.buffers[k]!;
      const producer = inlinable(b, i, output, true);
      // A kernel binds at most maxInputs buffers: a chain (a long sum of terms) stops growing there.
      const fits =
        producer >= 0 &&
        size + sizes.get(producer)! <= maxTreeNodes &&
        new Set([...mine, ...leaves.get(producer)!, ...d.buffers.slice(k + 1, d.firstOutput)]).size <= maxInputs;
      if (fits) {
        inline(producer);
        ops.push({ child: producer });
        size += sizes.get(producer)!;
        for (const leaf of leaves.get(producer)!) mine.add(leaf);
      } else {
        ops.push({ leaf: b });
        mine.add(b);
      }
    });
    operands.set(i, ops);
    leaves.set(i, mine);
    sizes.set(i, size);
    // An in-place read that is not element-for-element would race: undo this command's inlining.
    if (mine.has(output) && !readsInPlaceOnly({ root: i, nodes, operands }, i, output)) {
      ops.forEach((o, k) => {
        if (!('child' in o)) return;
        inline(o.child, -1);
        ops[k] = { leaf: d.buffers[k]! };
      });
      leaves.set(i, new Set(d.buffers.slice(0, d.firstOutput)));
      sizes.set(i, 1);
    }
    // A producer every reader has inlined by now no longer runs; later commands cannot inline it.
    for (const o of ops) {
      if (!('child' in o)) continue;
      const produced = (commands[o.child] as { dispatch: PlannedDispatch }).dispatch.buffers.at(-1)!;
      if (inlinedCount.get(o.child) === readers.get(produced)!.length) removedEarly.add(o.child);
    }
  });

  const removed = new Set<number>();
  for (const [producer, count] of inlinedCount) {
    const produced = (commands[producer] as { dispatch: PlannedDispatch }).dispatch.buffers.at(-1)!;
    if (count === readers.get(produced)!.length) removed.add(producer);
  }
  const roots = [...nodes.keys()].filter((i) => !removed.has(i) && operands.get(i)!.some((o) => 'child' in o));
  const epilogues = planEpilogues(commands, { nodes, operands, removed, leaves, inlinedCount, prologues, readers, writers, internal, maxInputs });
  return { nodes, operands, removed, roots, prologues, epilogues };
}

/** Row reductions whose store may compute an elementwise consumer (FusionPlan.epilogues). */
const epilogueReductions = new Set(['reduce_sum', 'reduce_max', 'reduce_min', 'reduce_prod']);

interface EpilogueContext {
  nodes: Map<number, FusionNode>;
  operands: FusedTree['operands'];
  removed: Set<number>;
  leaves: Map<number, Set<GpuBuffer>>;
  inlinedCount: Map<number, number>;
  prologues: Map<number, number>;
  readers: Map<GpuBuffer, number[]>;
  writers: Map<GpuBuffer, number[]>;
  internal: (b: GpuBuffer) => boolean;
  maxInputs: number;
}

/**
 * Pairs each elementwise command with the row reduction it can finish: a small step is mostly
 * dispatches (a mean is a sum, then a division of its result; a loss is a reduction, then a
 * combination of reductions), and each pair becomes one. Conditions: the reduction's output is
 * internal, written only by it and read only within the consumer's fused tree (by producers
 * inlined there alone), element for element; nobody inlines the consumer; no command between the
 * two touches the consumer's inputs or output (its write moves up to the reduction); the
 * bindings fit.
 */
function planEpilogues(commands: readonly PlanCommand[], x: EpilogueContext): Map<number, number> {
  const epilogues = new Map<number, number>();
  const dispatchOf = (i: number): PlannedDispatch | null => {
    const c = commands[i]!;
    return 'dispatch' in c ? c.dispatch : null;
  };
  const io = (i: number): { reads: GpuBuffer[]; writes: GpuBuffer[] } => {
    const c = commands[i]!;
    if ('dispatch' in c) return { reads: c.dispatch.buffers.slice(0, c.dispatch.firstOutput), writes: c.dispatch.buffers.slice(c.dispatch.firstOutput) };
    return c;
  };
  for (const [i, node] of x.nodes) {
    if (x.removed.has(i) || (x.inlinedCount.get(i) ?? 0) > 0) continue;
    const d = dispatchOf(i)!;
    const output = d.buffers.at(-1)!;
    const mine = x.leaves.get(i)!;
    if (mine.has(output)) continue;
    // The commands whose work runs in i's tree.
    const members = new Set<number>();
    const walk = (id: number): void => {
      members.add(id);
      for (const o of x.operands.get(id) ?? []) if ('child' in o) walk(o.child);
    };
    walk(i);
    const tree: FusedTree = { root: i, nodes: x.nodes, operands: x.operands };
    const elements = node.shape.reduce((a, b) => a * b, 1);
    for (const reduced of mine) {
      const w = x.writers.get(reduced);
      if (!w || w.length !== 1 || w[0]! >= i || epilogues.has(w[0]!)) continue;
      const r = w[0]!;
      const rd = dispatchOf(r);
      if (!rd || !epilogueReductions.has(rd.kernel) || rd.firstOutput !== 1 || rd.buffers.length !== 2) continue;
      if (!x.internal(reduced) || reduced.numel !== elements) continue;
      // Only this tree reads it (its inlined producers run nowhere else), element for element.
      if (!x.readers.get(reduced)!.every((reader) => members.has(reader))) continue;
      const holders = [...members].filter((m) => m !== i && x.leaves.get(m)?.has(reduced));
      if (!holders.every((m) => x.removed.has(m) && x.readers.get(dispatchOf(m)!.buffers.at(-1)!)!.every((reader) => members.has(reader)))) continue;
      if (!readsInPlaceOnly(tree, i, reduced)) continue;
      // By GPU buffer: a write through another view of the same memory clashes too.
      const touched = new Set([...mine, output].map((b) => b.gpu));
      let clash = false;
      for (let j = r + 1; j < i && !clash; j++) {
        const { reads, writes } = io(j);
        clash = writes.some((b) => touched.has(b.gpu)) || reads.some((b) => b.gpu === output.gpu);
      }
      if (clash) continue;
      const producer = x.prologues.get(r);
      const inputs = producer === undefined ? [rd.buffers[0]!] : [...x.leaves.get(producer)!];
      if (new Set([...inputs, ...[...mine].filter((b) => b !== reduced)]).size > x.maxInputs) continue;
      epilogues.set(r, i);
      break;
    }
  }
  return epilogues;
}
