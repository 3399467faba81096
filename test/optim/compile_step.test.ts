import { describe, expect, it } from 'vitest';
import type { Engine, Optimizer, Tensor, Variable } from '../../src/index.js';
import { backends, gpuEngine } from '../helpers/engines.js';
import { settledMemory } from '../helpers/memory.js';

/** A small non-convex problem over two variables of odd sizes. */
function problem(e: Engine): { vars: Variable[]; loss: () => Tensor; dispose: () => void } {
  const target = e.tensor([0.3, -0.2, 0.5, 0.9, -0.8, 0.1, 0.7], [7]);
  const w = e.variable([0.5, -0.5, 0.25, 1, 0, -1, 2], [7], { name: 'w' });
  const b = e.variable([0.1, -0.3], [2], { name: 'b' });
  const loss = (): Tensor => w.mul(b.sum()).sin().sub(target).square().mean().add(b.square().sum().mul(0.1));
  return { vars: [w, b], loss, dispose: () => e.dispose([target, w, b]) };
}

async function bits(t: Tensor): Promise<number[]> {
  return Array.from(new Uint32Array((await t.data()).buffer));
}

async function trajectory(e: Engine, make: (e: Engine) => Optimizer, compiled: boolean, maximize = false): Promise<unknown> {
  const p = problem(e);
  const opt = make(e);
  const recorder = e.optim.lossRecorder(16);
  opt.recordLoss(recorder);
  const step = compiled ? opt.compileStep(p.loss, p.vars, { maximize }) : null;
  const losses: number[][] = [];
  for (let i = 0; i < 8; i++) {
    const loss = step ? step() : maximize ? opt.maximize(p.loss, p.vars) : opt.minimize(p.loss, p.vars);
    losses.push(await bits(loss));
    loss.dispose();
  }
  const out = { losses, w: await bits(p.vars[0]!), b: await bits(p.vars[1]!), recorded: Array.from(await recorder.read()), iterations: opt.iterations };
  step?.dispose();
  opt.dispose();
  recorder.dispose();
  p.dispose();
  return out;
}

const makers: [string, (e: Engine) => Optimizer][] = [
  ['adam with a schedule', (e) => e.optim.adam({ learningRate: e.optim.schedules.exponentialDecay({ initialLearningRate: 0.05, decaySteps: 3, decayRate: 0.5 }) })],
  ['rmsprop with momentum and global clipping', (e) => e.optim.rmsprop({ learningRate: 0.01, momentum: 0.9, globalClipNorm: 0.5 })],
  ['nadam', (e) => e.optim.nadam({ learningRate: 0.02 })],
];

describe.each(backends)('optimizer.compileStep on %s', (_name, make) => {
  for (const [label, maker] of makers) {
    it(`${label}: captured steps equal eager steps to the bit`, async () => {
      const e = await make();
      const eager = await trajectory(e, maker, false);
      const captured = await trajectory(e, maker, true);
      expect(captured).toEqual(eager);
    });
  }

  it('maximize: captured steps equal eager steps', async () => {
    const e = await make();
    const maker = (en: Engine): Optimizer => en.optim.sgd({ learningRate: 0.05, momentum: 0.5 });
    expect(await trajectory(e, maker, true, true)).toEqual(await trajectory(e, maker, false, true));
  });
});

describe('optimizer.compileStep on WebGPU', () => {
  it('a steady captured step: no new buffers, one submit, no readbacks', async () => {
    const e = await gpuEngine();
    const p = problem(e);
    const opt = e.optim.adam({ learningRate: 0.01 });
    const step = opt.compileStep(p.loss, p.vars);
    step().dispose();
    step().dispose();
    await e.flush();
    const m0 = await settledMemory(e);
    const s0 = e.stats();
    for (let i = 0; i < 10; i++) step().dispose();
    const s1 = e.stats();
    expect(s1.bufferCreations - s0.bufferCreations).toBe(0);
    expect(s1.readbacks - s0.readbacks).toBe(0);
    expect(s1.submits - s0.submits).toBe(10);
    expect(s1.uploads - s0.uploads).toBe(0);
    expect(s1.pipelineCompilations - s0.pipelineCompilations).toBe(0);
    expect(opt.iterations).toBe(12);
    await e.flush();
    expect(e.memory()).toEqual(m0);
    step.dispose();
    opt.dispose();
    p.dispose();
  });
});
