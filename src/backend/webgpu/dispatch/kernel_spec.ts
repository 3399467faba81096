/** How a kernel id becomes a GPU dispatch: its shader file, generated prelude, uniforms and grid. */

/** A WGSL file: its path (for error messages and cache keys) and its text. */
export interface ShaderSource {
  file: string;
  code: string;
}

/** Values for the members of a shader's uniform struct, by member name. */
export type UniformValues = Record<string, number | boolean | readonly number[]>;

export interface GpuKernel<P> {
  /** The shader, or a choice of shader by the parameters (kernels with a layout-specialised variant). */
  shader: ShaderSource | ((p: P) => ShaderSource);
  /**
   * Generated WGSL placed before the shader, e.g. `fn unary_op(...)` calling a function of
   * shaders/common. It is part of the pipeline key; it must not depend on sizes.
   */
  prelude?: string | ((p: P) => string);
  /** `override` constants (tile and workgroup sizes): part of the pipeline key. */
  constants?: (p: P) => Record<string, number>;
  uniforms: (p: P) => UniformValues;
  /** Workgroup counts; a zero count skips the dispatch. */
  workgroups: (p: P) => readonly [number, number, number];
}

/** The shader a kernel runs for these parameters. */
export function shaderOf<P>(spec: GpuKernel<P>, params: P): ShaderSource {
  return typeof spec.shader === 'function' ? spec.shader(params) : spec.shader;
}

/** The largest workgroup count per dimension that every WebGPU device supports. */
export const maxWorkgroupsPerDim = 65535;

/**
 * A 2-D grid covering `count` workgroups (WGSL `linear_index` in shaders/common/indexing.wgsl
 * recovers the flat index), since one dimension stops at 65535.
 */
export function grid1d(invocations: number, workgroupSize: number): [number, number, number] {
  const groups = Math.ceil(invocations / workgroupSize);
  if (groups <= maxWorkgroupsPerDim) return [groups, 1, 1];
  return [maxWorkgroupsPerDim, Math.ceil(groups / maxWorkgroupsPerDim), 1];
}

/** Pads a list of per-dimension values to the fixed length of a uniform array (8 = max rank). */
export function padDims(values: readonly number[], length = 8, fill = 0): number[] {
  if (values.length > length) throw new Error(`tensors of rank ${values.length} exceed the maximum rank ${length}`);
  return [...values, ...new Array<number>(length - values.length).fill(fill)];
}

