/**
 * Run in a child process by test/engine/eager_collection.test.ts: an eager loop that leaves its
 * intermediates to the garbage collector and never waits, so that every dispatch makes a bind
 * group (a lavapipe memory map), until the backend refuses a dispatch near the map limit. After a
 * flush the dropped bind groups' descriptor sets are reused: the same loop goes on without new
 * maps. Prints one JSON line. Runs without lazy execution: one dispatch per op, as written.
 */
import { readFileSync } from 'node:fs';
import { createEngine, type Tensor } from '../../../src/node.js';

const maps = (): number => readFileSync('/proc/self/maps', 'utf8').split('\n').length - 1;
const e = await createEngine({ lazy: false });

/**
 * Up to `limit` untidied steps of two ops; stops at the first refusal, counting the buffers the
 * refused op kept (it should give its output back).
 */
function loop(from: Tensor, limit: number): { t: Tensor; steps: number; error: string; kept: number } {
  let t = from;
  for (let steps = 0; steps < limit; steps++) {
    const before = e.memory().buffers;
    let made = 0;
    try {
      const scaled = t.mul(1.0001);
      made = 1;
      t = scaled.add(0.0001);
    } catch (err) {
      return { t, steps, error: (err as Error).message, kept: e.memory().buffers - before - made };
    }
  }
  return { t, steps: limit, error: '', kept: 0 };
}

const first = loop(e.tensor(Float32Array.from({ length: 40 }, (_, i) => i / 40), [20, 2]), 50_000);
const refusedAt = maps();
await e.flush();
const second = loop(first.t, 10_000);
const afterSecond = maps();
const value = (await second.t.data())[1]!;
console.log(JSON.stringify({ error: first.error, steps: first.steps, refusedAt, leakedByRefusal: first.kept, secondError: second.error, afterSecond, value }));
e.destroy();
