import { fusedActivations } from '../kernel_ids/conv.js';
import type { ConvActivation } from '../ops/conv_activation.js';
import { featureDims, formatShape, type SymbolicShape } from './symbolic_shape.js';

/** The [height, width, channels] of an NHWC input shape; throws naming the layer otherwise. */
export function checkImageInput(owner: string, inputShape: SymbolicShape): [number, number, number] {
  if (inputShape.length !== 4) {
    throw new Error(`${owner}: expects NHWC inputs of rank 4 (batch, height, width, channels), got ${formatShape(inputShape)}`);
  }
  return featureDims(owner, inputShape) as [number, number, number];
}

// Activations the conv ops take as an option; the rest are applied after the convolution.
const convActivations = new Set<string>([...fusedActivations, 'gelu', 'swish', 'silu']);

/** The activation to hand to a conv op, or undefined when the layer applies it itself. */
export function convActivationFor(key: string): ConvActivation | undefined {
  return key !== 'linear' && convActivations.has(key) ? (key as ConvActivation) : undefined;
}
