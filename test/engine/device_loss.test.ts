// A lost device is an error that names the loss, and a run saved before it continues on a new
// engine exactly where it stopped: model weights through safetensors, the optimizer's step count
// and slots through getState/setState.
import { describe, expect, it } from 'vitest';
import { Dense, Sequential, createEngine, type Engine, type Optimizer, type OptimizerState, type Tensor } from '../../src/index.js';
import type { WebGpuBackend } from '../../src/backend/webgpu/webgpu_backend.js';
import { backends } from '../helpers/engines.js';
import { uniformValues } from '../helpers/random.js';

const steps = 12;
const checkpointAt = 5;
const inputs = uniformValues(16 * 4, -1, 1, 21);
const classes = Array.from({ length: 16 }, (_, i) => (i * 7) % 3);

/** The same model on any engine: explicit layer names, so weights and slots match by name. */
function model(e: Engine): Sequential {
  const m = new Sequential(
    [new Dense({ units: 8, activation: 'relu', inputShape: [4], name: 'hidden' }), new Dense({ units: 3, name: 'logits' })],
    { seed: 7, name: 'classifier' },
  );
  return m.build(undefined, e);
}

function optimizer(e: Engine): Optimizer {
  return e.optim.adam({ learningRate: 0.05, amsgrad: true });
}

/** One training step on the fixed batch. */
function step(e: Engine, m: Sequential, opt: Optimizer, x: Tensor, y: Tensor): void {
  opt.minimize(() => m.apply(x, { training: true }).sparseSoftmaxCrossEntropy(y), m.trainableWeights).dispose();
}

/** A fresh engine of the backend the tests of this block use. */
async function fresh(backend: 'cpu' | 'webgpu'): Promise<Engine> {
  return createEngine({ backend });
}

/** Trains `from` to `to` on `e`, starting from a checkpoint when given one; returns the final weights. */
async function train(e: Engine, from: number, to: number, checkpoint?: { weights: Uint8Array; state: OptimizerState }): Promise<Float32Array[]> {
  const m = model(e);
  const opt = optimizer(e);
  if (checkpoint) {
    await m.loadWeights(checkpoint.weights);
    opt.setState(checkpoint.state);
  }
  const x = e.tensor(inputs, [16, 4]);
  const y = e.tensor(classes, [16], 'int32');
  for (let s = from; s < to; s++) step(e, m, opt, x, y);
  expect(opt.iterations).toBe(to);
  return m.getWeights();
}

describe.each(backends)('resuming training from a checkpoint (%s)', (name, available) => {
  it('weights (safetensors) and optimizer state on a new engine continue the run exactly', async (ctx) => {
    if (!(await available())) return ctx.skip();
    const backend = name as 'cpu' | 'webgpu';
    const a = await fresh(backend);
    const uninterrupted = await train(a, 0, steps);
    a.destroy();

    const b = await fresh(backend);
    const m = model(b);
    const opt = optimizer(b);
    const x = b.tensor(inputs, [16, 4]);
    const y = b.tensor(classes, [16], 'int32');
    for (let s = 0; s < checkpointAt; s++) step(b, m, opt, x, y);
    const checkpoint = { weights: await m.saveWeights(), state: await opt.getState() };
    b.destroy();

    const c = await fresh(backend);
    const resumed = await train(c, checkpointAt, steps, checkpoint);
    c.destroy();
    resumed.forEach((w, i) => expect(Array.from(w), `weight ${i}`).toEqual(Array.from(uninterrupted[i]!)));
  });
});

describe('device loss', () => {
  it('is an error naming the loss, and a new engine resumes from the last checkpoint as if nothing happened', async (ctx) => {
    const probe = backends.find(([n]) => n === 'webgpu')![1];
    if (!(await probe())) return ctx.skip();
    const a = await fresh('webgpu');
    const uninterrupted = await train(a, 0, steps);
    a.destroy();

    // Training that checkpoints at step 5 and loses its device at step 7.
    const b = await fresh('webgpu');
    const m = model(b);
    const opt = optimizer(b);
    const x = b.tensor(inputs, [16, 4]);
    const y = b.tensor(classes, [16], 'int32');
    let checkpoint: { weights: Uint8Array; state: OptimizerState } | undefined;
    let failure: Error | undefined;
    try {
      for (let s = 0; s < steps; s++) {
        if (s === checkpointAt) checkpoint = { weights: await m.saveWeights(), state: await opt.getState() };
        if (s === checkpointAt + 2) {
          const device = (b.backend as WebGpuBackend).device;
          device.destroy();
          await device.lost;
        }
        step(b, m, opt, x, y);
      }
    } catch (err) {
      failure = err as Error;
    }
    expect(failure?.message).toMatch(/^WebGPU device lost \(destroyed\).*Create a new engine to continue/);
    // Every later use says the same, reads included.
    await expect(x.data()).rejects.toThrow(/WebGPU device lost/);
    await expect(b.flush()).rejects.toThrow(/WebGPU device lost/);
    b.destroy();

    const c = await fresh('webgpu');
    const resumed = await train(c, checkpointAt, steps, checkpoint);
    c.destroy();
    resumed.forEach((w, i) => expect(Array.from(w), `weight ${i}`).toEqual(Array.from(uninterrupted[i]!)));
  });
});
