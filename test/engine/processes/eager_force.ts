/**
 * Run in a child process by test/engine/eager_collection.test.ts: the article's force loss at 20
 * vectors, eagerly (about 21,000 dispatches a step), in a plain `node` without --expose-gc.
 * Prints one JSON line: the loss history and the process's memory maps at the end.
 */
import { readFileSync } from 'node:fs';
import { createEngine } from '../../../src/node.js';
import { runVectorSpread } from '../../../src/workloads/vector_spread/index.js';

const steps = Number(process.argv[2] ?? 6);
const e = await createEngine();
const eager = await runVectorSpread(e, { loss: 'force', n: 20, dims: 2, steps, capture: false });
const maps = readFileSync('/proc/self/maps', 'utf8').split('\n').length;
const captured = await runVectorSpread(e, { loss: 'force', n: 20, dims: 2, steps });
console.log(JSON.stringify({ eager: eager.lossHistory, captured: captured.lossHistory, maps }));
e.destroy();
