/**
 * The pre-softmax scores of a classifier whose last layer is Dense(classes, softmax) (the article's
 * layout) or an Activation('softmax'). Training losses and the untargeted attack want logits:
 * logSoftmax(logits) stays finite and informative where log(softmax(...)) of a saturated class
 * would round to log(1) = 0 in float32.
 */
import type { Tensor } from '../../tensor.js';
import { Activation, Dense, type Sequential } from '../../nn/index.js';

/** Options of `applyLogits`. */
export interface LogitsOptions {
  /** Training mode: batch statistics in BatchNormalization and active Dropout (default false). */
  training?: boolean;
}

/**
 * Runs `model` on `x` up to its final softmax and returns the logits [N, classes]; softmax of the
 * result is what `model.apply` returns. Builds the model on x's engine first if needed. Throws when
 * the last layer is neither Dense with a softmax activation nor Activation('softmax').
 */
export function applyLogits(model: Sequential, x: Tensor, options: LogitsOptions = {}): Tensor {
  const layers = model.layers;
  const last = layers[layers.length - 1];
  const softmaxDense = last instanceof Dense && last.activation === 'softmax';
  const softmaxLayer = last instanceof Activation && last.activation === 'softmax';
  if (!softmaxDense && !softmaxLayer) {
    throw new Error(`applyLogits: model '${model.name}' must end in Dense(..., softmax) or Activation('softmax'), got ${last ? `${last.name} (${last.className})` : 'no layers'}`);
  }
  const e = x.engine;
  model.build(x.shape, e);
  const applyOptions = { training: options.training ?? false };
  let h = x;
  for (const layer of layers.slice(0, -1)) {
    const next = layer.apply(h, applyOptions);
    // Outside a tape nothing needs the intermediates: free them as Sequential.apply does.
    if (h !== x && next !== h && !e.isRecording) h.dispose();
    h = next;
  }
  if (softmaxLayer) return h;
  const [kernel, bias] = (last as Dense).weights;
  const logits = e.tidy(() => (bias ? h.matmul(kernel!).add(bias) : h.matmul(kernel!)));
  if (h !== x && !e.isRecording) h.dispose();
  return logits;
}
