import { describe, expect, it } from 'vitest';
import { backends } from '../helpers/engines.js';
import { quadratic } from './reference.js';

describe.each(backends)('loss recorder (%s)', (_name, makeEngine) => {
  it('keeps every step’s loss on the device and reads them with one readback', async () => {
    const e = await makeEngine();
    const problem = quadratic(51);
    const make = () => problem.init.map((x, k) => e.variable(Float32Array.from(x), problem.shapes[k]));
    const [a, b] = [make(), make()];
    const rec = e.optim.lossRecorder(64);
    const optA = e.optim.adam({ learningRate: 0.05 }).recordLoss(rec);
    const optB = e.optim.adam({ learningRate: 0.05 });
    const expected: number[] = [];
    const before = e.stats();
    for (let s = 0; s < 40; s++) optA.minimize(() => problem.loss(e, a), a).dispose();
    expect(e.stats().readbacks - before.readbacks).toBe(0);
    for (let s = 0; s < 40; s++) {
      const loss = optB.minimize(() => problem.loss(e, b), b);
      expected.push((await loss.data())[0]!);
      loss.dispose();
    }
    const mid = e.stats();
    const losses = await rec.read();
    expect(e.stats().readbacks - mid.readbacks).toBe(1);
    expect(rec.count).toBe(40);
    expect(Array.from(losses)).toEqual(expected);
    expect(losses[39]!).toBeLessThan(losses[0]! / 2);
    optA.dispose();
    optB.dispose();
    rec.dispose();
    e.dispose([a, b]);
  });

  it('keeps the last `capacity` losses, oldest first; reset starts over', async () => {
    const e = await makeEngine();
    const rec = e.optim.lossRecorder(4);
    for (let s = 0; s < 6; s++) {
      const t = e.scalar(s + 0.5);
      rec.record(t);
      t.dispose();
    }
    expect(Array.from(await rec.read())).toEqual([2.5, 3.5, 4.5, 5.5]);
    expect(Array.from(await rec.read({ reset: true }))).toEqual([2.5, 3.5, 4.5, 5.5]);
    expect(rec.count).toBe(0);
    rec.record(e.tensor([7], [1]));
    expect(Array.from(await rec.read())).toEqual([7]);
    rec.reset();
    expect(Array.from(await rec.read())).toEqual([]);
    expect(() => rec.record(e.tensor([1, 2]))).toThrow(/lossRecorder.record: the loss must have one element, got shape \[2\]/);
    expect(() => e.optim.lossRecorder(0)).toThrow(/capacity must be a positive integer/);
    rec.dispose();
    expect(() => rec.record(e.scalar(1))).toThrow(/the recorder was disposed/);
  });
});
