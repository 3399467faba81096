import type { Tensor } from '../tensor.js';
import type { GatherParams } from '../kernel_ids/layout.js';
import { fmt, sizeOf, type Shape } from '../shape.js';
import { installOps, type AsMethods } from './define.js';
import { axesOf } from './layout.js';
import type { GradientTable } from '../autodiff/rules.js';
import { record } from './record.js';
import { keepValueRange } from './device_checks.js';
import { checkTensor } from './validate.js';
import { describeValue } from '../values.js';

/**
 * x viewed as [outer, axisLen, inner] -> [outer, nIdx, inner] (out of shape outShape). Its
 * gradient is gatherGrad; gatherGrad's is gather: the pair is differentiable to any order.
 */
function gatherRows(x: Tensor, idx: Tensor, p: GatherParams, outShape: Shape): Tensor {
  const e = x.engine;
  const out = keepValueRange(e.runKernel('gather', [x, idx], outShape, x.dtype, p), x);
  record('gather', out, [x, idx], { idx, p, inShape: x.shape });
  return out;
}

/** dy as [outer, nIdx, inner] -> dx as [outer, axisLen, inner]: repeated indices add up. */
function gatherGrad(dy: Tensor, idx: Tensor, p: GatherParams, xShape: Shape): Tensor {
  const e = dy.engine;
  const out = p.nIdx === 0 ? e.zeros(xShape, dy.dtype) : e.runKernel('gather_grad', [dy, idx], xShape, dy.dtype, p);
  record('gather_grad', out, [dy, idx], { idx, p, inShape: dy.shape });
  return out;
}

/** What gather and its gradient's rules see: the indices, the geometry and the input's shape. */
export interface GatherContext {
  idx: Tensor;
  p: GatherParams;
  inShape: Shape;
}

/** The gather pair the tape records. */
export interface GatherContexts {
  gather: GatherContext;
  gather_grad: GatherContext;
}

/** Each one's gradient is the other; the indices get none. */
export const gatherGradients: GradientTable<GatherContexts> = {
  gather: ({ idx, p, inShape }, dy) => [gatherGrad(dy, idx, p, inShape), null],
  gather_grad: ({ idx, p, inShape }, g) => [gatherRows(g, idx, p, inShape), null],
};

/** Indexing by a list of positions. */
export const gatherOps = {
  /**
   * Picks the entries `indices` along `axis` (tf.gather): the output shape is
   * x.shape[:axis] + indices.shape + x.shape[axis+1:]. Indices are an int32 tensor or a number
   * array; negative ones count from the end. Array indices out of range throw; tensor indices
   * out of range read 0 (checking them would need a readback). Repeated indices add up in the
   * gradient.
   */
  gather: (x: Tensor, indices: Tensor | readonly number[], axis = 0): Tensor => {
    const e = x.engine;
    e.checkInputs('gather', [x]);
    if (x.rank === 0) throw new Error(`gather: a scalar (shape ${fmt(x.shape)}) cannot be gathered from`);
    const [a] = axesOf('gather', axis, x) as [number];
    const axisLen = x.shape[a]!;
    let idx: Tensor;
    if (Array.isArray(indices)) {
      for (const i of indices as readonly number[]) {
        if (!Number.isInteger(i) || i < -axisLen || i >= axisLen) {
          throw new Error(`gather: index ${describeValue(i)} is out of range for axis ${a} of shape ${fmt(x.shape)} (indices must be integers in [${-axisLen}, ${axisLen}))`);
        }
      }
      idx = e.tensor(indices as readonly number[], [indices.length], 'int32');
    } else {
      idx = checkTensor('gather', 'indices', indices);
      e.checkInputs('gather', [idx]);
      if (idx.dtype !== 'int32') throw new Error(`gather: indices must be int32, got ${idx.dtype} of shape ${fmt(idx.shape)}`);
    }
    const p: GatherParams = {
      outer: sizeOf(x.shape.slice(0, a)),
      axisLen,
      inner: sizeOf(x.shape.slice(a + 1)),
      nIdx: idx.size,
    };
    const out = gatherRows(x, idx, p, [...x.shape.slice(0, a), ...idx.shape, ...x.shape.slice(a + 1)]);
    // Tensor indices out of range read 0.
    const r = out.storage.valueRange;
    if (r && idx === indices) out.storage.valueRange = { min: Math.min(r.min, 0), max: Math.max(r.max, 0), integers: r.integers, exact: false };
    // Indices made here are kept only while a tape may still need them for the gradient.
    if (idx !== indices && !e.isRecording) idx.dispose();
    return out;
  },
};

type GatherOps = typeof gatherOps;

declare module '../tensor.js' {
  interface Tensor extends AsMethods<GatherOps> {}
}
declare module '../engine.js' {
  interface Engine extends GatherOps {}
}

installOps(gatherOps, 'tensor');
