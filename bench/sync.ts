/**
 * The readback that ends a timed run, the same on both sides: the first element of a result,
 * sliced on the device (one tiny kernel) so that the transfer does not depend on the result's size.
 * Reading anything waits for all work queued before it (a queue runs in order), so it waits for
 * the whole run.
 */
import type { Tensor } from '../src/index.js';
import type { Tf, TfTensor } from './tfjs/load.js';

/** Reads the first element of our tensor `t`; `t` is not disposed. */
export async function readFirst(t: Tensor): Promise<number> {
  const one = t.size <= 1 ? t : t.engine.tidy(() => t.reshape([t.size]).slice([0], [1]));
  try {
    return (await one.data())[0]!;
  } finally {
    if (one !== t) one.dispose();
  }
}

/** Reads the first element of the tfjs tensor `t`; `t` is not disposed. */
export async function tfReadFirst(tf: Tf, t: TfTensor): Promise<number> {
  const one = t.size <= 1 ? t : tf.tidy(() => tf.slice(tf.reshape(t, [t.size]), [0], [1]));
  try {
    return (await one.data())[0]!;
  } finally {
    if (one !== t) one.dispose();
  }
}
