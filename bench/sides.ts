/**
 * Sides for kernel cases: run one op `reps` times (each result freed before the next is made) and
 * read the first element of the last result. Our op runs in its own `e.tidy`, whose end runs it:
 * with lazy execution, a result freed before anything needed it would never be computed.
 */
import type { Engine, Tensor } from '../src/index.js';
import type { Side } from './case.js';
import { readFirst, tfReadFirst } from './sync.js';
import type { Tf, TfTensor } from './tfjs/load.js';

/** Our side of a kernel case: `op()` `reps` times; `inputs` are freed by dispose(). */
export function oursRepeated(e: Engine, op: () => Tensor, reps: number, inputs: readonly Tensor[]): Side {
  return {
    work() {
      let out: Tensor | undefined;
      for (let r = 0; r < reps; r++) {
        out?.dispose();
        out = e.tidy(op);
      }
      return async () => {
        try {
          return await readFirst(out!);
        } finally {
          out!.dispose();
        }
      };
    },
    dispose: () => e.dispose([...inputs]),
  };
}

/** The tfjs side of a kernel case: `op()` `reps` times; `inputs` are freed by dispose(). */
export function tfRepeated(tf: Tf, op: () => TfTensor, reps: number, inputs: readonly TfTensor[]): Side {
  return {
    work() {
      let out: TfTensor | undefined;
      for (let r = 0; r < reps; r++) {
        out?.dispose();
        out = op();
      }
      return async () => {
        try {
          return await tfReadFirst(tf, out!);
        } finally {
          out!.dispose();
        }
      };
    },
    dispose: () => tf.dispose([...inputs]),
  };
}
