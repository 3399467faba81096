/**
 * Checks that only the device can make, reported at the next read or flush.
 *
 * Some misuse depends on values that live on the device: a class label outside [0, classes)
 * given to sparseSoftmaxCrossEntropy. Checking it on the host would cost a readback (and a wait)
 * per call, so it is checked where it is cheap:
 * - labels uploaded by the host (and values only moved since: slices, gathers, reshapes) carry
 *   the range of their values (`Storage.valueRange`): the op checks it at once, on every backend;
 * - on the CPU backend the kernel itself throws, synchronously, naming the op;
 * - on WebGPU the kernel sets this engine's flag (one word, set by any bad label), and the next
 *   `data()` or `flush()` reads it with its own readback and rejects with an error naming the op.
 *   The losses of those examples are NaN meanwhile, as TensorFlow's GPU kernel gives.
 * The flag is made by the first call that needs it outside a traced step (`e.compile`): one made
 * while tracing would belong to the capture. A step traced before then runs unchecked (NaN).
 */
import type { Engine } from '../engine.js';
import type { Storage, Tensor } from '../tensor.js';

const flags = new WeakMap<Engine, Storage>();
/**
 * Engines whose flag may have been set since it was last read: an op handed it out since, or a
 * compiled step binds it (its replays may set it at any time). Reads of the others skip the check.
 */
const armed = new WeakSet<Engine>();
const armedForGood = new WeakSet<Engine>();

/** The engine's label-check flag, made (zeroed) on first use; null while a step is traced before it exists. */
export function labelCheckFlag(e: Engine): Storage | null {
  let flag = flags.get(e);
  if (!flag) {
    if (e.tracing) return null;
    flag = e.allocStorage(1);
    e.backend.upload(flag.buffer, [0]);
    flags.set(e, flag);
  }
  if (e.tracing) armedForGood.add(e);
  armed.add(e);
  return flag;
}

/** Rejects when a device check failed since the last time; resets the flag. A no-op without one. */
export async function verifyDeviceChecks(e: Engine): Promise<void> {
  const flag = flags.get(e);
  if (!flag || e.isDestroyed || e.tracing || !(armed.has(e) || armedForGood.has(e))) return;
  armed.delete(e);
  const [value] = await e.readStorage(flag, 1);
  if (value !== 0 && !e.isDestroyed) {
    e.backend.upload(flag.buffer, [0]);
    throw new Error(
      'sparseSoftmaxCrossEntropy: a label outside [0, classes) (or not an integer) reached the device since the last read; ' +
        'the losses of those examples are NaN. Labels computed on the device are checked there and reported at the next read or flush',
    );
  }
}

/**
 * Gives `out` the value range of `inputs` (their union), for ops that only move values (slices,
 * gathers, transposes, tiles, joins). Not while a step is traced: its replays move other values.
 */
export function keepValueRange(out: Tensor, ...inputs: readonly Tensor[]): Tensor {
  if (out.engine.tracing || inputs.length === 0) return out;
  let min = Infinity;
  let max = -Infinity;
  let integers = true;
  for (const t of inputs) {
    const r = t.storage.valueRange;
    if (!r) return out;
    min = Math.min(min, r.min);
    max = Math.max(max, r.max);
    integers &&= r.integers;
  }
  out.storage.valueRange = { min, max, integers, exact: false };
  return out;
}
