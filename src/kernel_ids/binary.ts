/** Elementwise binary and ternary kernels with numpy broadcasting through strides. */
export const binaryOpKernelIds = [
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'atan2', 'squared_difference', 'mod', 'floor_div',
  'equal', 'not_equal', 'greater', 'greater_equal', 'less', 'less_equal', 'logical_and', 'logical_or',
] as const;

export type BinaryKernelId = (typeof binaryOpKernelIds)[number];

/** Output shape and, per input, the strides that read it broadcast to that shape (0 on broadcast dims). */
export interface BinaryParams {
  outShape: number[];
  aStrides: number[];
  bStrides: number[];
}

/** where(cond, a, b): three broadcast inputs. */
export interface WhereParams {
  outShape: number[];
  condStrides: number[];
  aStrides: number[];
  bStrides: number[];
}

export type BinaryKernels = { [K in BinaryKernelId]: BinaryParams } & { where: WhereParams };

export const binaryKernelIds = [...binaryOpKernelIds, 'where'] as const;
