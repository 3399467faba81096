import type { CpuArray, CpuKernels } from './kernel_table.js';
import { binaryOpKernelIds, type BinaryKernelId, type BinaryKernels, type BinaryParams, type WhereParams } from '../../kernel_ids/binary.js';
import { sizeOf } from '../../shape.js';

/** pow with TensorFlow's semantics for negative bases (integer exponents only). */
function pow(a: number, b: number): number {
  if (b === 0) return 1;
  if (a < 0 && b !== Math.floor(b)) return NaN;
  return Math.pow(a, b);
}

/** The formulas of shaders/common/binary_ops.wgsl. */
export const binaryScalar: { [K in BinaryKernelId]: (a: number, b: number) => number } = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow,
  maximum: (a, b) => Math.max(a, b),
  minimum: (a, b) => Math.min(a, b),
  atan2: (a, b) => Math.atan2(a, b),
  squared_difference: (a, b) => (a - b) * (a - b),
  mod: (a, b) => a - b * Math.floor(a / b),
  floor_div: (a, b) => Math.floor(a / b),
  equal: (a, b) => (a === b ? 1 : 0),
  not_equal: (a, b) => (a !== b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greater_equal: (a, b) => (a >= b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  less_equal: (a, b) => (a <= b ? 1 : 0),
  logical_and: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  logical_or: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
};

/** Walks the output of a broadcast op, giving each input's flat index (same loop as the WGSL). */
function broadcastLoop(outShape: readonly number[], strides: readonly (readonly number[])[], body: (o: number, idx: number[]) => void): void {
  const n = sizeOf(outShape);
  const idx = new Array<number>(strides.length);
  for (let o = 0; o < n; o++) {
    let rem = o;
    idx.fill(0);
    for (let d = outShape.length - 1; d >= 0; d--) {
      const size = outShape[d]!;
      const c = rem % size;
      rem = Math.floor(rem / size);
      for (let k = 0; k < strides.length; k++) idx[k]! += c * strides[k]![d]!;
    }
    body(o, idx);
  }
}

function binaryKernel(id: BinaryKernelId) {
  const f = binaryScalar[id];
  return ([a, b]: CpuArray[], [out]: CpuArray[], p: BinaryParams): void => {
    broadcastLoop(p.outShape, [p.aStrides, p.bStrides], (o, [ia, ib]) => {
      out![o] = f(a![ia!]!, b![ib!]!);
    });
  };
}

/** CPU twins of the broadcasting binary kernels and where. */
export const binaryCpuKernels: CpuKernels<BinaryKernels> = {
  ...(Object.fromEntries(binaryOpKernelIds.map((id) => [id, binaryKernel(id)])) as CpuKernels<Omit<BinaryKernels, 'where'>>),
  where: ([cond, a, b], [out], p: WhereParams) => {
    broadcastLoop(p.outShape, [p.condStrides, p.aStrides, p.bStrides], (o, [ic, ia, ib]) => {
      out![o] = cond![ic!] !== 0 ? a![ia!]! : b![ib!]!;
    });
  },
};
