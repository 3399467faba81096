/**
 * Shapes known before any tensor exists: the batch dimension (and only it, here) may be unknown,
 * written `null` as Keras writes `None`. Layers compute their output shapes on these, so a model
 * can be built and summarised without an engine.
 */
import { describeValue } from '../values.js';
export type SymbolicShape = readonly (number | null)[];

/** Keras' rendering: `(None, 126, 126, 32)`. */
export function formatShape(shape: SymbolicShape): string {
  const dims = shape.map((d) => (d === null ? 'None' : String(d)));
  return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
}

/** Whether `actual` (a concrete or symbolic shape) fits `expected` (null matches any size). */
export function shapeFits(actual: SymbolicShape, expected: SymbolicShape): boolean {
  return actual.length === expected.length && actual.every((d, i) => expected[i] === null || d === null || d === expected[i]);
}

/** The shape with its batch dimension unknown. */
export function withUnknownBatch(shape: SymbolicShape): (number | null)[] {
  return [null, ...shape.slice(1)];
}

/** The dimensions after the batch, which must all be known. */
export function featureDims(owner: string, shape: SymbolicShape): number[] {
  const rest = shape.slice(1);
  if (rest.some((d) => d === null || !Number.isInteger(d) || d < 0)) {
    throw new Error(`${owner}: every dimension but the batch must be a known size, got ${formatShape(shape)}`);
  }
  return rest as number[];
}

/**
 * Output length along one spatial dimension for a sliding window (Keras' conv_output_length):
 * 'valid' fits whole (dilated) windows, 'same' gives ceil(in / stride).
 */
export function windowOutputLength(inSize: number, window: number, stride: number, padding: 'valid' | 'same', dilation = 1): number {
  if (padding === 'same') return Math.ceil(inSize / stride);
  const extent = (window - 1) * dilation + 1;
  return Math.floor((inSize - extent) / stride) + 1;
}

/** A size option (`3` or `[3, 3]`) as a checked [height, width] pair of positive integers. */
export function pair(owner: string, what: string, value: number | readonly number[]): [number, number] {
  const p = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(p) || p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new Error(`${owner}: ${what} must be a positive integer or a pair [h, w] of them, got ${describeValue(value)}`);
  }
  return [p[0]!, p[1]!];
}
