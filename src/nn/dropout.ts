import type { Tensor } from '../tensor.js';
import { describeValue } from '../values.js';
import { Layer, type LayerOptions, type LayerSpec } from './layer.js';
import { mixSeed } from './seed.js';
import type { SymbolicShape } from './symbolic_shape.js';

/** Options of `Dropout`. */
export interface DropoutOptions extends LayerOptions {
  /** Fraction of the inputs to drop, in [0, 1). */
  rate: number;
}

/**
 * Keras' Dropout: in training, zeroes each input with probability `rate` and scales the rest by
 * 1 / (1 - rate); the identity in inference. Each training call draws a new mask from the
 * layer's seed and a call counter, so a seeded model replays the same masks.
 */
export class Dropout extends Layer {
  readonly rate: number;
  private calls = 0;

  constructor(options: DropoutOptions | number) {
    const o = typeof options === 'number' ? { rate: options } : options;
    super('Dropout', o, ['rate']);
    if (!(o.rate >= 0 && o.rate < 1)) throw new Error(`${this.name}: rate must be in [0, 1), got ${describeValue(o.rate)}`);
    this.rate = o.rate;
  }

  protected buildSpec(inputShape: SymbolicShape): LayerSpec {
    return { weights: [], outputShape: inputShape };
  }

  protected call(x: Tensor, training: boolean): Tensor {
    if (!training || this.rate === 0) return x;
    // A function, not a number: a captured training step (e.compile) calls it on every replay,
    // so each step draws a new mask there too.
    return x.dropout(this.rate, { seed: () => mixSeed(this.seed, this.calls++), training: true });
  }
}
