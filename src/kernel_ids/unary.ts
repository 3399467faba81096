/** Elementwise unary kernels: y[i] = op(x[i], alpha, beta). */
export const unaryKernelIds = [
  'neg', 'abs', 'sign', 'square', 'sqrt', 'rsqrt', 'exp', 'expm1', 'log', 'log1p',
  'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh',
  'sigmoid', 'softplus', 'relu', 'relu6', 'leaky_relu', 'elu', 'selu', 'gelu', 'gelu_tanh', 'erf',
  'step', 'floor', 'ceil', 'round', 'trunc', 'clip', 'reciprocal', 'logical_not', 'is_nan', 'is_finite',
  'pow_scalar', 'copy',
] as const;

export type UnaryKernelId = (typeof unaryKernelIds)[number];

/** `alpha`/`beta` carry the op's scalars (leakyRelu slope, clip bounds, exponent); unused ones are 0. */
export interface UnaryParams {
  n: number;
  alpha: number;
  beta: number;
}

export type UnaryKernels = { [K in UnaryKernelId]: UnaryParams };
