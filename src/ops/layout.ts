import type { Tensor } from '../tensor.js';
import { assertShape, broadcastShapes, broadcastStrides, fmt, shapesEqual, sizeOf, stridesOf, type Shape } from '../shape.js';
import { collapseDims, sumToShape } from './binary.js';
import { installOps, type AsMethods } from './define.js';

/** @internal Copies the strided view (shape, strides, offset) of x into a new contiguous tensor. */
export function copyStrided(opName: string, x: Tensor, outShape: Shape, strides: number[], offset: number): Tensor {
  const collapsed = collapseDims(outShape, [strides]);
  return x.engine.runKernel('copy_strided', [x], outShape, x.dtype, {
    outShape: collapsed.shape,
    inStrides: collapsed.strides[0]!,
    inOffset: offset,
  });
}

/** Shape ops: views, transposes, slicing, joining, padding, tiling and gathering. */
export const layoutOps = {
  /** Same elements, new shape (one dimension may be -1). Shares storage: no copy. */
  reshape: (x: Tensor, shape: readonly number[]): Tensor => {
    const e = x.engine;
    e.checkInputs('reshape', [x]);
    const unknown = shape.filter((d) => d === -1).length;
    let target = [...shape];
    if (unknown > 1) throw new Error(`reshape: at most one -1 in ${fmt(shape)}`);
    if (unknown === 1) {
      const known = sizeOf(shape.filter((d) => d !== -1));
      if (known === 0 || x.size % known !== 0) throw new Error(`reshape: cannot reshape ${fmt(x.shape)} to ${fmt(shape)}`);
      target = shape.map((d) => (d === -1 ? x.size / known : d));
    }
    assertShape('reshape', target);
    if (sizeOf(target) !== x.size) throw new Error(`reshape: cannot reshape ${fmt(x.shape)} (${x.size} elements) to ${fmt(shape)}`);
    const out = e.view(x, target);
    if (e.isRecording) e.record('reshape', out, [x], (dy) => [dy.reshape(x.shape)]);
    return out;
  },
  /** Permutes dimensions (reverses them when `perm` is omitted). */
  transpose: (x: Tensor, perm?: readonly number[]): Tensor => {
    const e = x.engine;
    e.checkInputs('transpose', [x]);
    const p = perm ? [...perm] : x.shape.map((_, i) => x.rank - 1 - i);
    const sorted = [...p].sort((a, b) => a - b);
    if (p.length !== x.rank || sorted.some((v, i) => v !== i)) {
      throw new Error(`transpose: ${JSON.stringify(perm)} is not a permutation of the axes of ${fmt(x.shape)}`);
    }
    const strides = stridesOf(x.shape);
    const outShape = p.map((a) => x.shape[a]!);
    const out = copyStrided('transpose', x, outShape, p.map((a) => strides[a]!), 0);
    if (e.isRecording) {
      const inverse = new Array<number>(p.length);
      p.forEach((a, i) => (inverse[a] = i));
      e.record('transpose', out, [x], (dy) => [dy.transpose(inverse)]);
    }
    return out;
  },
  /** Broadcasts to `shape` (numpy rules), materialising the result. */
  broadcastTo: (x: Tensor, shape: readonly number[]): Tensor => {
    const e = x.engine;
    e.checkInputs('broadcastTo', [x]);
    const out = broadcastShapes('broadcastTo', x.shape, shape);
    if (!shapesEqual(out, shape)) throw new Error(`broadcastTo: cannot broadcast ${fmt(x.shape)} to ${fmt(shape)}`);
    if (shapesEqual(x.shape, shape)) return x.reshape(shape);
    const y = copyStrided('broadcastTo', x, shape, broadcastStrides(x.shape, shape), 0);
    if (e.isRecording) e.record('broadcastTo', y, [x], (dy) => [sumToShape(dy, x.shape)]);
    return y;
  },
};

type LayoutOps = typeof layoutOps;

declare module '../tensor.js' {
  interface Tensor extends AsMethods<LayoutOps> {}
}
declare module '../engine.js' {
  interface Engine extends LayoutOps {}
}

installOps(layoutOps);
