// The README's code samples, run on the CPU reference and on WebGPU with their results checked. The
// first test holds the README to these copies: every `ts` block there must appear here line for
// line (imports and `createEngine` lines aside, which here also name the backend), so a sample
// that stops working, or that changes in one place only, fails.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Dense, Sequential, createEngine, type Tensor } from '../../src/index.js';
import { backends } from '../helpers/engines.js';
import { expectClose } from '../helpers/allclose.js';

/** The lines of code that must match: trimmed, without blanks, imports or engine creation. */
function codeLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('import ') && !l.includes('await createEngine('));
}

/** What a sample printed: its `console.log` calls, argument lists in order. */
function printer(): { log: (...args: unknown[]) => void; printed: unknown[][] } {
  const printed: unknown[][] = [];
  return { log: (...args: unknown[]) => void printed.push(args), printed };
}

describe('the README', () => {
  it('shows only code that is in this file', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const here = codeLines(readFileSync(new URL(import.meta.url), 'utf8')).join('\n');
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    const missing = blocks.filter((b) => !here.includes(codeLines(b).join('\n')));
    expect(missing, 'README samples not run by test/readme/readme_examples.test.ts').toEqual([]);
  });
});

describe.each(backends)('README samples on %s', (backendName, make) => {
  const backend = backendName as 'cpu' | 'webgpu';

  it('quick start: a line fitted by gradient descent, and what memory holds after', async () => {
    await make(); // skips without an adapter
    const console = printer();
    const e = await createEngine({ backend });
    console.log(e.adapterInfo.description || e.adapterInfo.device); // which device runs the kernels

    // Fit y ≈ w·x + b to four points by gradient descent.
    const x = e.tensor([[0], [1], [2], [3]]);
    const y = e.tensor([[-1.1], [2.0], [5.1], [7.9]]);
    const w = e.variable([[0]]);
    const b = e.variable([0]);
    const loss = () => x.matmul(w).add(b).sub(y).square().mean();

    for (let step = 0; step < 500; step++) {
      e.tidy(() => {
        // Gradients of the loss with respect to w and b; tidy frees the intermediates.
        const { grads: [dw, db] } = e.valueAndGrad(loss, [w, b]);
        w.assign(w.sub(dw.mul(0.1)));
        b.assign(b.sub(db.mul(0.1)));
      });
    }
    console.log(await w.data(), await b.data()); // ≈ 3.01, -1.04 (reads are the only way back)
    console.log(e.memory()); // { tensors: 4, buffers: 4, bytes: 40 }: x, y, w and b

    const [[wv], [bv]] = console.printed[1] as [Float32Array, Float32Array];
    expect(wv).toBeCloseTo(3.01, 2);
    expect(bv).toBeCloseTo(-1.04, 2);
    expect(console.printed[2]![0]).toEqual({ tensors: 4, buffers: 4, bytes: 40 });
    e.destroy();
  });

  it('tensors and ops', async () => {
    const e = await make();
    const console = printer();
    const a = e.tensor([[1, 2], [3, 4]]);
    const rows = a.matmul(a.transpose()).sum(1); // methods chain: [16, 36]
    const b = e.add(a, 1).mul(2); // engine functions too; numbers stand for scalars
    const picked = a.gather([1, 0]).slice([0, 1], [2, 1]); // rows 1 and 0, column 1: [[4], [2]]
    const joined = e.concat([a, b], 1); // shape [2, 4]
    console.log(await rows.data(), await b.array(), await picked.array(), joined.shape);

    const [r, ba, p, shape] = console.printed[0]!;
    expect(Array.from(r as Float32Array)).toEqual([16, 36]);
    expect(ba).toEqual([[4, 6], [8, 10]]);
    expect(p).toEqual([[4], [2]]);
    expect(shape).toEqual([2, 4]);
    e.dispose([a, rows, b, picked, joined]);
  });

  it('an error names its op', async () => {
    const e = await make();
    const sample = () => {
      const row = e.tensor([[1, 2]]);
      row.matmul(row); // Error: matmul: inner dimensions differ ([1,2] x [1,2])
    };
    expect(sample).toThrow(/^matmul: inner dimensions differ \(\[1,2\] x \[1,2\]\)$/);
  });

  it('autodiff: valueAndGrad, grad, higher order, tapes', async () => {
    const e = await make();
    const x = e.tensor([0, 1, 2]);
    const f = (t: Tensor) => t.sin().sum();
    const { value, grads: [dx] } = e.valueAndGrad(() => f(x), [x]); // Σ sin x, and cos x
    const [d2x] = e.grad((t: Tensor) => e.grad(f)(t)[0].sum())(x); // a gradient of a gradient: −sin x

    const tape = e.tape({ persistent: true }); // TensorFlow's GradientTape
    const y = x.square().sum();
    const z = x.exp().sum();
    const [dy] = tape.gradient(y, [x]); // 2x
    const [dz] = tape.gradient(z, [x]); // exp x: a persistent tape answers more than once
    tape.dispose();

    const xs = [0, 1, 2];
    expect((await value.data())[0]).toBeCloseTo(xs.reduce((s, v) => s + Math.sin(v), 0), 5);
    expectClose(await dx.data(), xs.map(Math.cos), 1e-5, 0);
    expectClose(await d2x.data(), xs.map((v) => -Math.sin(v)), 1e-5, 0);
    expect(Array.from(await dy.data())).toEqual([0, 2, 4]);
    expectClose(await dz.data(), xs.map(Math.exp), 1e-5, 0);
    e.dispose([x, value, dx, d2x, y, z, dy, dz]);
  });

  it('optimizers, schedules and a captured step', async () => {
    const e = await make();
    const console = printer();
    const w = e.variable([0, 0]);
    const target = e.tensor([3, -1]);
    const loss = () => w.sub(target).square().sum();
    const opt = e.optim.adam({
      learningRate: e.optim.schedules.cosineDecay({ initialLearningRate: 0.1, decaySteps: 300 }),
      clipNorm: 1,
    });
    for (let i = 0; i < 200; i++) opt.minimize(loss, [w]).dispose(); // one step each; returns the loss

    // The same step captured once and replayed: no graph work in JavaScript, one submit.
    const step = opt.compileStep(loss, [w]);
    for (let i = 0; i < 100; i++) step().dispose();
    console.log(await w.data(), opt.iterations); // ≈ [3, -1], 300

    expectClose(await w.data(), [3, -1], 1e-2, 0);
    expect(opt.iterations).toBe(300);
    step.dispose();
    opt.dispose();
    e.dispose([w, target]);
  });

  it('layers and models, weight files, resuming on a new engine', async () => {
    await make();
    const e = await createEngine({ backend });
    const console = printer();
    // Layers with names: weight files and optimizer state are matched by name.
    const makeModel = () =>
      new Sequential(
        [new Dense({ units: 16, activation: 'relu', inputShape: [2], name: 'hidden' }), new Dense({ units: 2, name: 'logits' })],
        { seed: 1 },
      );
    const model = makeModel().build(undefined, e); // shapes from inputShape, variables on e
    console.log(model.summary()); // Keras's table: layers, output shapes, parameters

    const xs = e.tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
    const labels = e.tensor([0, 1, 1, 0], undefined, 'int32');
    const opt = e.optim.adam({ learningRate: 0.05 });
    for (let i = 0; i < 200; i++) {
      opt.minimize(() => model.apply(xs, { training: true }).sparseSoftmaxCrossEntropy(labels), model.trainableWeights).dispose();
    }
    console.log(await model.predict(xs).argmax(-1).data()); // [0, 1, 1, 0]: XOR learnt

    expect(console.printed[0]![0]).toMatch(/hidden \(Dense\)/);
    expect(Array.from(console.printed[1]![0] as Float32Array)).toEqual([0, 1, 1, 0]);

    // A checkpoint: the weights as a safetensors file, the optimizer's state as plain data.
    const checkpoint = { weights: await model.saveWeights(), state: await opt.getState() };

    // Later, on a new engine (after a lost device, in another process...):
    const e2 = await createEngine({ backend });
    const restored = makeModel().build(undefined, e2);
    await restored.loadWeights(checkpoint.weights); // also a URL, a Blob, a path in Node, a Keras .h5
    const opt2 = e2.optim.adam({ learningRate: 0.05 });
    opt2.setState(checkpoint.state); // the step count and Adam's slots, by variable name

    const x2 = e2.tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
    const l2 = e2.tensor([0, 1, 1, 0], undefined, 'int32');
    expect(opt2.iterations).toBe(200);
    expect(Array.from(await restored.predict(x2).data())).toEqual(Array.from(await model.predict(xs).data()));
    // One more step on each side lands on the same weights.
    opt.minimize(() => model.apply(xs, { training: true }).sparseSoftmaxCrossEntropy(labels), model.trainableWeights).dispose();
    opt2.minimize(() => restored.apply(x2, { training: true }).sparseSoftmaxCrossEntropy(l2), restored.trainableWeights).dispose();
    const [a, b] = [await model.getWeights(), await restored.getWeights()];
    a.forEach((w, i) => expectClose(b[i]!, w, 1e-6, 1e-5));
    e.destroy();
    e2.destroy();
  });

  it('compile: a function traced once and replayed', async () => {
    const e = await make();
    const console = printer();
    const f = e.compile((a: Tensor, b: Tensor) => a.mul(b).add(a).sum());
    const r1 = f(e.tensor([1, 2]), e.tensor([3, 4])); // traced, compiled, run: 14
    const r2 = f(e.tensor([5, 6]), e.tensor([7, 8])); // replayed with the new values: 94
    console.log(await r1.data(), await r2.data(), f.captureCount); // 1 capture (0 on the CPU backend)

    expect(Array.from(await r1.data())).toEqual([14]);
    expect(Array.from(await r2.data())).toEqual([94]);
    expect(f.captureCount).toBe(backend === 'cpu' ? 0 : 1);
    f.dispose();
  });

  it('lazy execution: recorded, then run at a read, a flush or the end of a tidy', async () => {
    await make();
    const e = await createEngine({ backend, lazy: true, fuse: true }); // the defaults
    const console = printer();
    const x = e.tensor([1, 2, 3, 4]);
    const y = x.exp().mul(x).add(1); // recorded: nothing runs yet
    console.log(e.stats().pendingNodes); // 3 (0 on the CPU backend, which runs each op at once)
    await e.flush(); // runs what is pending as one plan; a read (y.data()) would too
    const w = e.variable([1, 2, 3, 4]);
    const before = e.stats();
    for (let i = 0; i < 10; i++) e.tidy(() => w.assign(w.mul(0.5).add(x))); // each tidy ends a step
    const after = e.stats();
    // 3 7 on WebGPU: the loop's graph is planned (then fused) in its first iterations, then found
    // in the cache (0 0 on the CPU backend)
    console.log(after.plansCompiled - before.plansCompiled, after.planCacheHits - before.planCacheHits);

    const [compiled, hits] = console.printed[1] as [number, number];
    if (backend === 'webgpu') {
      expect(e.stats().pendingNodes).toBe(0);
      expect(compiled + hits).toBe(10);
      expect(compiled).toBeLessThanOrEqual(3);
    } else {
      expect([compiled, hits]).toEqual([0, 0]);
    }
    expect(Array.from(await y.data()).map((v) => Math.round(v))).toEqual([4, 16, 61, 219]);
    e.destroy();
  });

  it('memory: tidy, dispose and memory()', async () => {
    const e = await make();
    const console = printer();
    const before = e.memory().tensors;
    const x = e.tensor([1, 2, 3]);
    const { total, shifted } = e.tidy(() => {
      const doubled = x.mul(2); // freed when the scope ends
      return { total: doubled.sum(), shifted: doubled.add(1) }; // what is returned survives
    });
    console.log(e.memory()); // { tensors, buffers, bytes }: x, total and shifted more than before
    e.dispose([x, total, shifted]); // or x.dispose(), ...

    expect((console.printed[0]![0] as { tensors: number }).tensors).toBe(before + 3);
    expect(e.memory().tensors).toBe(before);
  });

  it('the NaN tracer names the op that made a NaN', async () => {
    await make();
    const e = await createEngine({ backend, debug: { nans: true } }); // or e.debugNans() at any time
    const sample = async () => {
      const x = e.tensor([1, -2, 3]);
      const y = x.log().mul(2);
      await y.data(); // Error: log: its output holds NaN or Infinity and its inputs did not ...
    };
    await expect(sample()).rejects.toThrow(/^log: its output holds NaN or Infinity and its inputs did not/);
    e.destroy();
  });

  it('autotuning: the tuning table exported and imported', async () => {
    await make();
    const e = await createEngine({ backend, autotune: 'on' }); // the default; 'cached' or 'off'
    const m = e.tensor(new Float32Array(64 * 64).fill(1), [64, 64]);
    await m.matmul(m).data(); // a kernel shape met for the first time: its variants are timed at reads
    await e.tuning.settle(); // times what is still queued and saves the table
    const table = e.tuning.export(); // JSON-able: ship it with an application
    const other = await createEngine({ backend, autotune: 'cached' });
    other.tuning.import(table); // used as it is: nothing timed there

    expect(other.tuning.export()).toEqual(table);
    e.destroy();
    other.destroy();
  });
});
