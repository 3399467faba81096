/**
 * Loss history kept on the device: each `record` copies a scalar loss into a device buffer at the
 * step's index (a buffer copy, not a kernel), and `read` fetches them all with one readback, so a
 * training loop never waits on the GPU to log its loss.
 */
import type { BackendBuffer } from '../backend/backend.js';
import type { Engine } from '../engine.js';
import type { Storage, Tensor } from '../tensor.js';
import { fmt } from '../shape.js';
import { checkNumber } from '../ops/validate.js';

/** Options of `LossRecorder.read`. */
export interface RecorderReadOptions {
  /** Start a new history after this read (the values read are not affected). */
  reset?: boolean;
}

/**
 * Keeps the last `capacity` recorded losses on the device. Entries sit `viewAlignment` elements
 * apart, because a buffer copy can only target an aligned view (256 bytes per entry on most GPUs).
 */
export class LossRecorder {
  readonly capacity: number;
  private readonly stride: number;
  private readonly storage: Storage;
  private recorded = 0;
  private disposed = false;

  /** @internal Use `e.optim.lossRecorder(capacity)`. */
  constructor(
    private readonly engine: Engine,
    capacity: number,
  ) {
    checkNumber('lossRecorder', 'capacity', capacity, { integer: true, min: 1 });
    this.capacity = capacity;
    this.stride = engine.backend.viewAlignment;
    this.storage = engine.allocStorage(capacity * this.stride);
  }

  /** Losses recorded since creation or the last reset (may exceed capacity: older ones are gone). */
  get count(): number {
    return this.recorded;
  }

  /** Copies a one-element loss into the next entry, on the device (no readback, no dispatch). */
  record(loss: Tensor): void {
    this.assertAlive('record');
    loss.assertAlive('lossRecorder.record');
    if (loss.engine !== this.engine) throw new Error('lossRecorder.record: the loss belongs to another engine');
    if (loss.size !== 1) throw new Error(`lossRecorder.record: the loss must have one element, got shape ${fmt(loss.shape)}`);
    const src = loss.storage.buffer;
    // The entry moves every step: a captured step (e.compile) repeats this on every replay.
    this.engine.replayable(
      () => {
        this.engine.backend.copyBuffer(src, this.entry(this.recorded % this.capacity), 1);
        this.recorded++;
      },
      [src],
    );
  }

  /**
   * The recorded losses, oldest first (the last `capacity` of them), with one readback. Losses
   * recorded after this call are not included, and `reset` starts a new history right away.
   */
  async read(options: RecorderReadOptions = {}): Promise<Float32Array> {
    this.assertAlive('read');
    const count = this.recorded;
    if (options.reset) this.recorded = 0;
    const kept = Math.min(count, this.capacity);
    const out = new Float32Array(kept);
    if (kept === 0) return out;
    const raw = await this.engine.readStorage(this.storage, this.capacity * this.stride);
    const first = count - kept;
    for (let k = 0; k < kept; k++) out[k] = raw[((first + k) % this.capacity) * this.stride]!;
    return out;
  }

  /** Forgets what was recorded. */
  reset(): void {
    this.recorded = 0;
  }

  /** Frees the device buffer. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.storage.release();
  }

  private entry(slot: number): BackendBuffer {
    return this.engine.backend.view(this.storage.buffer, slot * this.stride, 1);
  }

  private assertAlive(op: string): void {
    if (this.disposed) throw new Error(`lossRecorder.${op}: the recorder was disposed`);
  }
}
