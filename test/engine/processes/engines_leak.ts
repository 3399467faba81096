/**
 * Run in a child process (node --expose-gc) by test/engine/engine_leak.test.ts: creates and
 * destroys WebGPU engines one after another. `count` engines each run one small op and read it
 * (under lazy execution and eagerly, in turn); then `compiled` engines each run a compiled gradient
 * step. Prints one JSON line: the resident memory (MiB, after a full collection) once `warmup`
 * engines have come and gone (Dawn and the driver fill process-wide caches on the first ones) and
 * again after the `count` engines, and how many destroyed engines' backends the garbage collector
 * could not reclaim (something still held them).
 */
import { createEngine } from '../../../src/node.js';

const warmup = Number(process.argv[2] ?? 20);
const count = Number(process.argv[3] ?? 400);
const compiled = Number(process.argv[4] ?? 30);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('engines_leak: run with --expose-gc');

/** Waits for the current job to end (WeakRefs are cleared only then) and collects twice. */
async function collect(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  gc!();
  gc!();
}

async function rssMiB(): Promise<number> {
  await collect();
  return process.memoryUsage().rss / 2 ** 20;
}

/** One engine's life: one op and a read, or a compiled step and a read; then destroy(). */
async function oneEngine(kind: 'lazy' | 'eager' | 'compiled'): Promise<WeakRef<object>> {
  const e = await createEngine({ lazy: kind !== 'eager' });
  if (kind !== 'compiled') {
    await e.tensor([1, 2, 3]).add(1).data();
  } else {
    const w = e.variable([1, 2, 3]);
    const step = e.compile((x) => {
      const { value, grads } = e.valueAndGrad(() => w.mul(x).square().sum(), [w]);
      w.assign(w.sub(grads[0]!.mul(0.1)));
      return value;
    });
    await step(e.tensor([1, 1, 1])).data();
  }
  e.destroy();
  return new WeakRef(e.backend);
}

const kindOf = (i: number): 'lazy' | 'eager' => (i % 2 === 0 ? 'lazy' : 'eager');
for (let i = 0; i < warmup; i++) await oneEngine(kindOf(i));
const before = await rssMiB();
const refs: WeakRef<object>[] = [];
const started = performance.now();
for (let i = 0; i < count; i++) refs.push(await oneEngine(kindOf(i)));
const seconds = (performance.now() - started) / 1000;
const after = await rssMiB();
for (let i = 0; i < compiled; i++) refs.push(await oneEngine('compiled'));
await collect();
const unreclaimed = refs.filter((r) => r.deref() !== undefined).length;
console.log(JSON.stringify({ before, after, unreclaimed, seconds }));
