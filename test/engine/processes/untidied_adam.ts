/**
 * Run in a child process by test/engine/eager_collection.test.ts: the loop issue 15 found leaving
 * the engine refusing work for good. An eager Adam loop on a 2-layer MLP (64x8 inputs) that never
 * disposes and never reads: every step's loss is left to the garbage collector, so every step
 * makes bind groups (on lavapipe, memory maps) that only a wait lets go. The loop flushes only
 * after a refusal, then goes on; after it, a tidied step, a trivial op and a new engine must run.
 * Prints one JSON line.
 */
import { createEngine, type Tensor } from '../../../src/node.js';

const steps = Number(process.argv[2] ?? 60_000);
const e = await createEngine();
const x = e.tensor(Array.from({ length: 64 * 8 }, (_, i) => Math.sin(i)), [64, 8]);
const y = e.tensor(Array.from({ length: 64 }, (_, i) => Math.cos(i)), [64, 1]);
const w1 = e.variable(Array.from({ length: 8 * 16 }, (_, i) => Math.sin(i * 0.3) * 0.3), [8, 16]);
const b1 = e.variable(new Float32Array(16), [16]);
const w2 = e.variable(Array.from({ length: 16 }, (_, i) => Math.cos(i * 0.7) * 0.3), [16, 1]);
const vars = [w1, b1, w2];
const opt = e.optim.adam({ learningRate: 0.001 });
const loss = (): Tensor => x.matmul(w1).add(b1).relu().matmul(w2).sub(y).square().mean();

/** The step of each refusal, and how many steps ran between it and the next refusal (or the end). */
const refusals: { step: number; message: string; stepsAfter: number }[] = [];
let done = 0;
for (let s = 0; s < steps; s++) {
  try {
    opt.minimize(loss, vars); // never disposed, never read
    done++;
    const last = refusals.at(-1);
    if (last) last.stepsAfter++;
  } catch (err) {
    refusals.push({ step: s, message: (err as Error).message, stepsAfter: 0 });
    if (refusals.length > 50) break; // refused for good: the test fails on the count
    await e.flush();
  }
}
const tidied = e.tidy(() => opt.minimize(loss, vars));
const tidiedLoss = (await tidied.data())[0]!;
const trivial = Array.from(await e.ones([2]).add(1).data());
const e2 = await createEngine();
const newEngine = Array.from(await e2.ones([2]).add(1).data());
console.log(JSON.stringify({ steps, done, refusals, tidiedLoss, trivial, newEngine, w1: Array.from(await w1.data()).slice(0, 4) }));
e2.destroy();
e.destroy();
