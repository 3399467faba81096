import { describe, expect, it } from 'vitest';
import type { Engine, Tensor, Variable } from '../../../src/index.js';
import type { WebGpuBackend } from '../../../src/backend/webgpu/webgpu_backend.js';
import type { BlockReplays } from '../../../src/backend/webgpu/graph/block_replay.js';
import { gpuEngine } from '../../helpers/engines.js';
import { settledMemory } from '../../helpers/memory.js';

/**
 * Blocks of calls taken by the pending graph at once (src/backend/webgpu/graph/block_replay.ts):
 * a replayed backward pass that the recording met in the same place of the same plan before is
 * taken without its calls. Whatever happens around it, the graph, the plan, the results, the
 * counters and the memory must be those of the calls made one by one.
 */

function blocksOf(e: Engine): BlockReplays {
  const blocks = (e.backend as WebGpuBackend).blockReplays;
  if (!blocks) throw new Error('the WebGPU engine records lazily');
  return blocks;
}

/** Many small ops on rows of V, as the article's force loss has them (reduce_sum has variants). */
function pairLoss(e: Engine, V: Tensor): Tensor {
  const n = V.shape[0]!;
  const terms: Tensor[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const d = V.index(i).sub(V.index(j));
      terms.push(d.square().sum().add(0.1).pow(-1.5).mul(d.sum()));
    }
  }
  return e.stack(terms).sum();
}

const start = [0.3, -0.2, 0.9, -0.5, 0.4, 0.1, 0.7, 0.6, -0.8, -0.1, 0.2, 0.5, 0.05, -0.9, 0.35];

interface Run {
  values: string;
  taken: number;
  nodes: number[];
  usage: ReturnType<Engine['tuning']['used']>;
  buffers: number;
}

/** `steps` eager SGD steps on pairLoss, blocks on or off; `before(i)` runs ahead of step i. */
async function train(e: Engine, enabled: boolean, steps: number, before?: (i: number) => (() => void) | void): Promise<Run> {
  const blocks = blocksOf(e);
  const was = blocks.enabled;
  blocks.enabled = enabled;
  const V: Variable = e.variable(start, [5, 3]);
  const opt = e.optim.sgd({ learningRate: 0.01 });
  const taken = blocks.taken;
  const buffers = e.stats().bufferCreations;
  const nodes: number[] = [];
  e.tuning.used(true);
  try {
    for (let i = 0; i < steps; i++) {
      const after = before?.(i);
      const n0 = e.stats().nodes;
      e.tidy(() => opt.minimize(() => pairLoss(e, V), [V])).dispose();
      nodes.push(e.stats().nodes - n0);
      after?.();
    }
    const values = Array.from(new Uint32Array(Float32Array.from(await V.data()).buffer), (x) => x.toString(16)).join(',');
    return { values, taken: blocks.taken - taken, nodes, usage: e.tuning.used(true), buffers: e.stats().bufferCreations - buffers };
  } finally {
    blocks.enabled = was;
    V.dispose();
    opt.dispose();
  }
}

describe('blocks of calls taken at once (WebGPU, lazy)', () => {
  it('gives the results, nodes and variant counts of the calls one by one, bit for bit', async () => {
    const e = await gpuEngine();
    await train(e, true, 3);
    const off = await train(e, false, 12);
    const on = await train(e, true, 12);
    expect(off.taken).toBe(0);
    // The first replay is watched (the first step captures): the later ones are taken.
    expect(on.taken).toBeGreaterThanOrEqual(9);
    expect(on.values).toBe(off.values);
    expect(on.nodes).toEqual(off.nodes);
    expect(on.usage).toEqual(off.usage);
    expect(on.usage.reduce_sum).toBeDefined();
  });

  it('is not taken where the recording stands elsewhere, and the calls give the same results', async () => {
    const e = await gpuEngine();
    const U = e.variable([1, 2, 3], [3]);
    // Every other step records an unrelated op first: the same backward pass lands elsewhere
    // in the pending graph.
    const shifted = (i: number): (() => void) | void => {
      if (i % 2 === 0) return;
      const z = U.mul(2);
      return () => z.dispose();
    };
    const off = await train(e, false, 10, shifted);
    const on = await train(e, true, 10, shifted);
    expect(on.values).toBe(off.values);
    expect(on.nodes).toEqual(off.nodes);
    U.dispose();
  });

  it('is not taken at another place of the expected plan', async () => {
    const e = await gpuEngine();
    const V = e.variable(start, [5, 3]);
    const seed = e.tensor([0.75], []);
    const blocks = blocksOf(e);
    // Two backward passes of one tape, in either order: a step of one order, recorded while
    // the plan of the other is expected, meets each pass's block where the plan has the other.
    // Their ops' rules use no engine constant and the seed is used before, so every external
    // buffer of either block has its slot at either place: only where the recording stands
    // tells the places apart.
    const orders = [true, true, true, false, true, false, false, true, true, false];
    const steps = async (enabled: boolean): Promise<string[]> => {
      blocks.enabled = enabled;
      const out: string[] = [];
      try {
        for (const firstA of orders) {
          const r = e.tidy(() => {
            const tape = e.tape({ persistent: true });
            const W = V.mul(V);
            const a: Tensor[] = [];
            const b: Tensor[] = [];
            for (let i = 0; i < 5; i++) {
              for (let j = 0; j < i; j++) {
                const d = W.index(i).sub(W.index(j));
                a.push(d.mul(d).sum());
                b.push(d.sum().mul(d.index(0)));
              }
            }
            const lossA = e.stack(a).sum().mul(seed);
            const lossB = e.stack(b).sum().mul(seed);
            tape.stop();
            const gradA = (): Tensor => tape.gradient(lossA, [V], seed)[0]!;
            const gradB = (): Tensor => tape.gradient(lossB, [V], seed)[0]!;
            let gA: Tensor;
            let gB: Tensor;
            if (firstA) {
              gA = gradA();
              gB = gradB();
            } else {
              gB = gradB();
              gA = gradA();
            }
            tape.dispose();
            return gA.add(gB.mul(2));
          });
          out.push(Array.from(new Uint32Array(Float32Array.from(await r.data()).buffer), (x) => x.toString(16)).join(','));
          r.dispose();
        }
      } finally {
        blocks.enabled = true;
      }
      return out;
    };
    const off = await steps(false);
    const taken = blocks.taken;
    const on = await steps(true);
    expect(on).toEqual(off);
    // The repeated orders take their blocks.
    expect(blocks.taken - taken).toBeGreaterThan(0);
    e.dispose([V, seed]);
  });

  it('gives the plan of the calls one by one when the graph differs after a taken block', async () => {
    // A taken block fills the slots of the buffers it frees with one shared buffer per size; a
    // recording that then differs from its plan must give each slot its own before compiling.
    const e = await gpuEngine();
    const blocks = blocksOf(e);
    const steps = async (enabled: boolean): Promise<{ values: string; takenAtChange: number }> => {
      blocks.enabled = enabled;
      // Each run compiles its own plans: the differing graph is compiled after the block.
      (e.backend as WebGpuBackend).clearPlanCache();
      const V = e.variable(start, [5, 3]);
      let takenAtChange = 0;
      try {
        for (let i = 0; i < 12; i++) {
          const before = blocks.taken;
          e.tidy(() => {
            const { grads } = e.valueAndGrad(() => pairLoss(e, V), [V]);
            // Steps 6 and 9 record one more op after the backward pass: the graph differs there.
            const step = grads[0]!.mul(0.01);
            V.assign(V.sub(i === 6 || i === 9 ? step.mul(2) : step));
          });
          if (i === 6) takenAtChange = blocks.taken - before;
        }
        return { values: Array.from(new Uint32Array(Float32Array.from(await V.data()).buffer), (x) => x.toString(16)).join(','), takenAtChange };
      } finally {
        blocks.enabled = true;
        V.dispose();
      }
    };
    const on = await steps(true);
    const off = await steps(false);
    expect(on.takenAtChange).toBe(1);
    expect(on.values).toBe(off.values);
  });

  it('is not taken after the tuner changes its choice, and counts the new variants', async () => {
    const e = await gpuEngine();
    const variants = e.tuning.variants('reduce_sum');
    expect(variants.length).toBeGreaterThan(1);
    const forcing = (i: number): void => {
      if (i === 6) e.tuning.force('reduce_sum', variants[1]!);
    };
    try {
      const off = await train(e, false, 12, forcing);
      e.tuning.force('reduce_sum', null);
      const on = await train(e, true, 12, forcing);
      expect(on.values).toBe(off.values);
      expect(on.usage).toEqual(off.usage);
      expect(on.usage.reduce_sum![variants[1]!]).toBeGreaterThan(0);
      // Taken before the change and again once the new plan's block was watched.
      expect(on.taken).toBeGreaterThanOrEqual(6);
    } finally {
      e.tuning.force('reduce_sum', null);
    }
  });

  it('keeps memory flat and makes no GPU buffers over a steady loop', async () => {
    const e = await gpuEngine();
    await train(e, true, 4);
    const before = await settledMemory(e);
    const run = await train(e, true, 40);
    expect(run.taken).toBeGreaterThanOrEqual(37);
    expect(run.buffers).toBe(0);
    expect(await settledMemory(e)).toEqual(before);
  });
});
