import { describe, expect, it } from 'vitest';
import { Engine, type Tensor } from '../../src/index.js';
import { CpuBackend } from '../../src/backend/cpu/cpu_backend.js';
import { backends, cpuEngine, gpuEngine } from '../helpers/engines.js';
import { uniformValues } from '../helpers/random.js';
import { randomGraph } from '../helpers/graph_generator.js';
import { settledMemory } from '../helpers/memory.js';

/**
 * Backward passes replayed without their rules (src/autodiff/backward_replay.ts): the second
 * backward pass of a tape with the same structure replays the backend calls the first one made.
 * Replayed gradients must equal the rules' bit for bit, a structural difference anywhere must
 * make the rules run again, and replays must leave nothing behind.
 */

type Loss = (e: Engine, xs: readonly Tensor[]) => Tensor;

/** Value and gradients of `loss` at `values`, read back. */
async function gradients(e: Engine, loss: Loss, shapes: number[][], values: number[][]): Promise<Float32Array[]> {
  const xs = values.map((v, i) => e.tensor(v, shapes[i]!));
  const { value, grads } = e.valueAndGrad(() => loss(e, xs), xs);
  const out = [await value.data(), ...(await Promise.all(grads.map((t) => t.data())))].map((a) => Float32Array.from(a));
  e.dispose([xs, value, grads]);
  return out;
}

/** Counts replays and captures while `fn` runs, with replay on or off. */
async function counting<T>(e: Engine, enabled: boolean, fn: () => Promise<T>): Promise<{ result: T; replays: number; captures: number }> {
  const r = e.backwardReplays;
  const was = r.enabled;
  const replays = r.replays;
  const captures = r.captures;
  r.enabled = enabled;
  try {
    const result = await fn();
    return { result, replays: r.replays - replays, captures: r.captures - captures };
  } finally {
    r.enabled = was;
  }
}

/** n values from -0.95 to 0.95, moved by `shift`. */
function spread(n: number, shift: number): number[] {
  return Array.from({ length: n }, (_, i) => (n === 1 ? 0.3 : -0.95 + (1.9 * i) / (n - 1)) + shift);
}

function bits(a: Float32Array): string {
  return Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length), (x) => x.toString(16)).join(',');
}

describe.each(backends)('backward replay (%s)', (_name, engine) => {
  it('replays random graphs bit for bit as their rules compute them (120 graphs)', async () => {
    const e = await engine();
    let replayed = 0;
    const failures: string[] = [];
    for (let seed = 1; seed <= 120; seed++) {
      const g = randomGraph(seed);
      const values = g.shapes.map((s, i) => uniformValues(s.reduce((p, d) => p * d, 1), -1.5, 1.5, seed * 11 + i));
      const loss: Loss = (en, xs) => g.build(en, xs);
      // Three passes each: the last ones run the same (fused, on WebGPU) plan either way.
      const run = async (): Promise<Float32Array[]> => {
        let last: Float32Array[] = [];
        for (let k = 0; k < 3; k++) last = await gradients(e, loss, g.shapes, values);
        return last;
      };
      const rules = await counting(e, false, run);
      const replay = await counting(e, true, run);
      expect(rules.replays + rules.captures).toBe(0);
      replayed += replay.replays > 0 ? 1 : 0;
      replay.result.forEach((a, k) => {
        if (bits(a) !== bits(rules.result[k]!)) failures.push(`seed ${seed} ${k === 0 ? 'value' : `grad ${k - 1}`}\n  ${g.description}`);
      });
    }
    expect(failures, failures.slice(0, 5).join('\n')).toEqual([]);
    // The generator's ops all have replayable contexts: every graph's later passes replay.
    expect(replayed).toBe(120);
  });

  it('runs the rules again when anything but the values differs', async () => {
    const e = await engine();
    const reference = await cpuEngine();
    // Pairs of losses of one tape shape: the same ops on the same shapes, different parameters.
    const variants: [string, Loss, number[][]][] = [
      ['clip 0.5', (_, [x]) => x!.clip(-0.5, 0.5).square().sum(), [[6]]],
      ['clip 0.2', (_, [x]) => x!.clip(-0.2, 0.2).square().sum(), [[6]]],
      ['leakyRelu 0.1', (_, [x]) => x!.leakyRelu(0.1).square().sum(), [[6]]],
      ['leakyRelu 0.3', (_, [x]) => x!.leakyRelu(0.3).square().sum(), [[6]]],
      ['pow 2', (_, [x]) => x!.pow(2).sum(), [[5]]],
      ['pow 3', (_, [x]) => x!.pow(3).sum(), [[5]]],
      ['sum axis 0', (_, [x]) => x!.sum(0).square().sum(), [[3, 3]]],
      ['sum axis 1', (_, [x]) => x!.sum(1).square().sum(), [[3, 3]]],
      ['slice at 1', (_, [x]) => x!.slice([1], [3]).square().sum(), [[7]]],
      ['slice at 3', (_, [x]) => x!.slice([3], [3]).square().sum(), [[7]]],
      ['mul 2', (_, [x]) => x!.mul(2).square().sum(), [[4]]],
      ['mul 3', (_, [x]) => x!.mul(3).square().sum(), [[4]]],
      ['x·y²', (_, [x, y]) => x!.mul(y!.square()).sum(), [[4], [4]]],
      ['y·x²', (_, [x, y]) => y!.mul(x!.square()).sum(), [[4], [4]]],
      ['x·x', (_, [x, y]) => x!.mul(x!).add(y!).sum(), [[4], [4]]],
      ['x·y', (_, [x, y]) => x!.mul(y!).add(y!).sum(), [[4], [4]]],
      ['transpose', (en, [x]) => x!.transpose().mul(en.tensor([1, 2, 3], [3, 1])).sum(), [[3, 3]]],
      ['reshape', (en, [x]) => x!.reshape([3, 3]).mul(en.tensor([1, 2, 3], [3, 1])).sum(), [[3, 3]]],
    ];
    const failures: string[] = [];
    let replays = 0;
    // Each loss twice in a row (the second replays), the list three times over.
    for (let round = 0; round < 3; round++) {
      for (const [name, loss, shapes] of variants) {
        // Spread over [-1, 1] so that every bound and slope above changes some gradient.
        const values = shapes.map((s, i) => spread(s.reduce((p, d) => p * d, 1), round * 0.01 + i * 0.003));
        const expected = (await counting(reference, false, () => gradients(reference, loss, shapes, values))).result;
        for (let k = 0; k < 2; k++) {
          const got = await counting(e, true, () => gradients(e, loss, shapes, values));
          replays += got.replays;
          got.result.forEach((a, i) => {
            const worst = Math.max(...Array.from(a, (v, j) => Math.abs(v - expected[i]![j]!)));
            if (!(worst < 1e-4)) failures.push(`${name} round ${round} pass ${k} output ${i}: off by ${worst}`);
          });
        }
      }
    }
    expect(failures, failures.slice(0, 5).join('\n')).toEqual([]);
    // The later rounds find each loss's template again for its second pass at least.
    expect(replays).toBeGreaterThanOrEqual(variants.length * 2);
  });

  it('replays with tensors in place of engine constants, and constants in place of tensors', async () => {
    const e = await engine();
    const shapes = [[4]];
    const values = [[0.5, -1, 2, 3]];
    const byConstant: Loss = (_, [x]) => x!.mul(2).square().sum();
    const byTensor: Loss = (en, [x]) => x!.mul(en.scalar(5)).square().sum();
    // d/dx Σ (2x)² = 8x; d/dx Σ (5x)² = 50x.
    const expectConstant = values[0]!.map((v) => 8 * v);
    const expectTensor = values[0]!.map((v) => 50 * v);
    for (let round = 0; round < 3; round++) {
      const c = await gradients(e, byConstant, shapes, values);
      const t = await gradients(e, byTensor, shapes, values);
      expect(Array.from(c[1]!)).toEqual(expectConstant);
      expect(Array.from(t[1]!)).toEqual(expectTensor);
    }
  });

  it('keeps the errors of the rules: a disposed input is still refused', async () => {
    const e = await engine();
    const x = e.tensor([1, 2, 3]);
    const fine = (): void => {
      const { value, grads } = e.valueAndGrad(() => x.exp().sin().sum(), [x]);
      e.dispose([value, grads]);
    };
    fine();
    fine();
    expect(() =>
      e.valueAndGrad(() => {
        const y = x.exp();
        const z = y.sin().sum();
        y.dispose();
        return z;
      }, [x]),
    ).toThrow(/was disposed before the gradient was computed/);
    fine();
    x.dispose();
  });

  it('replays tapes holding not-differentiable ops (a mask from eye every step), and still refuses a gradient into one', async () => {
    const e = await engine();
    const x = e.tensor(spread(9, 0.1), [3, 3]);
    const loss = (): Tensor => x.mul(e.eye(3).mul(2)).add(x.square()).sum();
    const results: number[][] = [];
    const counts = await counting(e, true, async () => {
      for (let k = 0; k < 4; k++) {
        const { value, grads } = e.valueAndGrad(loss, [x]);
        results.push(Array.from(await grads[0]!.data()));
        e.dispose([value, grads]);
      }
    });
    expect(counts.replays).toBeGreaterThanOrEqual(2);
    const rules = await counting(e, false, async () => {
      const { value, grads } = e.valueAndGrad(loss, [x]);
      const g = Array.from(await grads[0]!.data());
      e.dispose([value, grads]);
      return g;
    });
    for (const r of results) expect(r).toEqual(rules.result);
    // d/dx of x * 2I + x² is 2I + 2x.
    const xs = spread(9, 0.1);
    rules.result.forEach((g, i) => expect(g).toBeCloseTo((i % 4 === 0 ? 2 : 0) + 2 * xs[i]!, 5));
    // A gradient that flows into a not-differentiable op is an error, replays or not.
    const intoArgmax = (): Tensor => x.argmax(1).cast('float32').mul(x.sum(1)).sum();
    for (let k = 0; k < 3; k++) expect(() => e.valueAndGrad(intoArgmax, [x])).toThrow(/gradient: 'argmax' is not differentiable/);
    x.dispose();
  });

  it('does not replay ops whose saved context holds functions (dropout), and gets their gradients right', async () => {
    const e = await engine();
    const x = e.tensor([1, 2, 3, 4, 5, 6, 7, 8]);
    const results: number[][] = [];
    const counts = await counting(e, true, async () => {
      for (let k = 0; k < 3; k++) {
        const { value, grads } = e.valueAndGrad(() => x.dropout(0.5, { seed: 7 }).square().sum(), [x]);
        results.push(Array.from(await grads[0]!.data()));
        e.dispose([value, grads]);
      }
    });
    expect(counts.replays).toBe(0);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    // The same seed keeps the same elements: 2x (scaled by 2) where kept, 0 where dropped.
    results[0]!.forEach((g, i) => expect([0, 4 * 2 * (i + 1)]).toContain(g));
    x.dispose();
  });

  it('replays gradients that view the seed or a tape tensor, and their disposal frees nothing else', async () => {
    const e = await engine();
    const x = e.tensor([2.5], [1]);
    const y = e.tensor([1, 2, 3]);
    const counts = await counting(e, true, async () => {
      for (let k = 0; k < 4; k++) {
        // d(x as a scalar)/dx is the seed itself, reshaped; d(sum(y))/dy is the seed broadcast.
        const a = e.valueAndGrad(() => x.reshape([]), [x]);
        const b = e.valueAndGrad(() => y.sum(), [y]);
        expect(Array.from(await a.grads[0]!.data())).toEqual([1]);
        expect(Array.from(await b.grads[0]!.data())).toEqual([1, 1, 1]);
        e.dispose([a, b]);
      }
    });
    expect(counts.replays).toBeGreaterThanOrEqual(4);
    // The engine's constant 1 survived its views' disposal.
    expect(Array.from(await e.valueAndGrad(() => x.reshape([]), [x]).grads[0]!.data())).toEqual([1]);
    x.dispose();
    y.dispose();
  });

  it('stops capturing for a while when no capture gets replayed (a new constant every step)', async () => {
    const e = await engine();
    const x = e.tensor([1, -2, 3]);
    const got: number[][] = [];
    const counts = await counting(e, true, async () => {
      try {
        for (let k = 0; k < 12; k++) {
          const { value, grads } = e.valueAndGrad(() => x.mul(0.125 + k / 64).square().sum(), [x]);
          got.push(Array.from(await grads[0]!.data()));
          e.dispose([value, grads]);
        }
      } finally {
        // The pause would hold the next tests' passes on this shared engine.
        e.backwardReplays.clear();
      }
    });
    // d/dx Σ (c·x)² = 2c²·x, with c changing every step: nothing to replay.
    got.forEach((g, k) => {
      const c = 0.125 + k / 64;
      g.forEach((v, i) => expect(v).toBeCloseTo(2 * c * c * [1, -2, 3][i]!, 5));
    });
    expect(counts.replays).toBe(0);
    // Eight unused captures (as many as are kept), then the rules alone.
    expect(counts.captures).toBe(8);
    x.dispose();
  });

  it('replays a tape used outside any tidy scope', async () => {
    const e = await engine();
    const x = e.tensor([0.5, 1.5, -2]);
    const results: number[][] = [];
    const counts = await counting(e, true, async () => {
      for (let k = 0; k < 4; k++) {
        const tape = e.tape();
        const y = x.square().mul(x).sum();
        const [g] = tape.gradient(y, [x]);
        tape.dispose();
        results.push(Array.from(await g!.data()));
        e.dispose([y, g]);
      }
    });
    expect(counts.replays).toBeGreaterThanOrEqual(2);
    for (const r of results) expect(r).toEqual([0.75, 6.75, 12]);
    x.dispose();
  });

  it('leaves memory unchanged over a replayed training loop', async () => {
    const e = await engine();
    const w = e.variable([0.1, -0.2, 0.3, 0.4, 0.5, -0.6], [2, 3]);
    const data = e.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3]);
    const opt = e.optim.adam({ learningRate: 0.01 });
    const step = (): void => {
      e.tidy(() => opt.minimize(() => w.matmul(data).tanh().square().mean(), [w]));
    };
    for (let i = 0; i < 3; i++) step();
    const before = await settledMemory(e);
    const counts = await counting(e, true, async () => {
      for (let i = 0; i < 40; i++) step();
      await e.flush();
    });
    expect(counts.replays).toBe(40);
    expect(await settledMemory(e)).toEqual(before);
    e.dispose([w, data]);
    opt.dispose();
  });
});

describe('backward replay on WebGPU', () => {
  it('records the same lazy graph as the rules: the step plan is found, not compiled', async () => {
    const e = await gpuEngine();
    const x = e.variable([0.3, -0.7, 1.1, 0.2, -0.4], [5]);
    const step = async (): Promise<void> => {
      const g = e.tidy(() => e.valueAndGrad(() => x.sin().mul(x.cos()).sum(), [x]).grads[0]!);
      await g.data();
      g.dispose();
    };
    await counting(e, false, async () => {
      for (let i = 0; i < 3; i++) await step();
    });
    const before = e.stats();
    const counts = await counting(e, true, async () => {
      for (let i = 0; i < 5; i++) await step();
    });
    const after = e.stats();
    expect(counts.replays).toBeGreaterThanOrEqual(4);
    expect(after.plansCompiled - before.plansCompiled).toBe(0);
    expect(after.pipelineCompilations - before.pipelineCompilations).toBe(0);
    x.dispose();
  });
});

describe('backward replay of a pass that cannot be captured (CPU, small bindings)', () => {
  it('tries to capture twice, then runs the rules without the recorder, with the same gradients', async () => {
    // Kernel bindings of 64 elements: elementwise ops on 100 values run in chunks of views, and
    // views make a pass's capture not self-contained.
    class SmallBindings extends CpuBackend {
      readonly device = { limits: { maxBufferSize: 4 << 20, maxStorageBufferBindingSize: 64 * 4 } };
    }
    const e = new Engine(new SmallBindings());
    const x = e.tensor(spread(100, 0.1), [100]);
    const seed = e.tensor(spread(100, -0.2), [100]);
    const gradient = async (): Promise<string> => {
      const g = e.tidy(() => {
        const tape = e.tape();
        const y = x.mul(x.sin());
        tape.stop();
        const [dx] = tape.gradient(y, [x], seed);
        tape.dispose();
        return dx!;
      });
      const out = bits(Float32Array.from(await g.data()));
      g.dispose();
      return out;
    };
    // The rules' gradient, on the same chunks.
    const expected = (await counting(e, false, gradient)).result;
    // The recorder is installed through withBackend: count the passes that use it.
    let recorded = 0;
    const withBackend = e.withBackend.bind(e);
    e.withBackend = <T>(backend: Parameters<Engine['withBackend']>[0], fn: () => T): T => {
      recorded++;
      return withBackend(backend, fn);
    };
    const passes: number[] = [];
    const counts = await counting(e, true, async () => {
      for (let k = 0; k < 5; k++) {
        const before = recorded;
        expect(await gradient()).toBe(expected);
        passes.push(recorded - before);
      }
    });
    // Two captures tried (with the recorder), none kept, none replayed; then the rules alone.
    expect(passes).toEqual([1, 1, 0, 0, 0]);
    expect(counts.captures + counts.replays).toBe(0);
    e.dispose([x, seed]);
    e.destroy();
  });
});
