/** How a kernel id becomes a GPU dispatch: its shader file, generated prelude, uniforms and grid. */

/** Lines [firstLine, firstLine + lines) of an assembled source (1-based) come from `file`. */
export interface SourcePart {
  file: string;
  firstLine: number;
  lines: number;
}

/** One member of a uniform struct: byte offset, scalar kind, scalars (arrays and vectors flattened). */
export interface UniformField {
  offset: number;
  kind: 'u32' | 'i32' | 'f32';
  count: number;
  /** Byte distance between consecutive scalars: 4, or an array's stride when its elements are scalars. */
  stride: number;
}

/**
 * What a pipeline needs of a kernel's interface: its entry point, its storage buffers (bindings
 * 0..n-1 of group 0, in order) and the uniform struct bound after them. The build reads it from
 * the WGSL (scripts/wgsl/shader_modules.mjs); generated kernels state it (graph/codegen.ts).
 */
export interface KernelLayout {
  entryPoint: string;
  storage: readonly ('read' | 'read_write')[];
  uniform: { bytes: number; fields: Readonly<Record<string, UniformField>> } | null;
}

/**
 * A WGSL kernel as a `.wgsl` import gives it (scripts/wgsl/shader_modules.mjs): its path (for
 * error messages and cache keys), its source with the pieces it includes, which lines came from
 * which file, and its layout (null for a piece of shared WGSL, which is never compiled alone).
 */
export interface ShaderSource {
  file: string;
  code: string;
  parts: readonly SourcePart[];
  layout: KernelLayout | null;
}

/** The lines of `code` that came from the kernel's own file, without the pieces it includes. */
export function ownCode(shader: ShaderSource): string {
  const own = shader.parts[shader.parts.length - 1]!;
  return shader.code.split('\n').slice(own.firstLine - 1, own.firstLine - 1 + own.lines).join('\n');
}

/**
 * A generated kernel's source: `library` (pieces of shared WGSL it calls) followed by `code`,
 * which `layout` describes; compile errors name `file` for the generated lines.
 */
export function generatedSource(file: string, code: string, layout: KernelLayout, library: ShaderSource): ShaderSource {
  const libraryLines = library.parts.reduce((n, p) => n + p.lines, 0);
  return {
    file,
    code: library.code + code,
    parts: [...library.parts, { file, firstLine: libraryLines + 1, lines: code.split('\n').length }],
    layout,
  };
}

/** Values for the members of a shader's uniform struct, by member name. */
export type UniformValues = Record<string, number | boolean | readonly number[]>;

export interface GpuKernel<P> {
  /** The shader, or a choice of shader by the parameters (kernels with a layout-specialised variant). */
  shader: ShaderSource | ((p: P) => ShaderSource);
  /**
   * Generated WGSL placed before the shader, e.g. `fn unary_op(...)` calling a function of
   * shaders/common/unary_ops.wgsl (which the shader includes). Only what depends on the
   * parameters belongs here, never bindings (the layout is the shader's). It is part of the
   * pipeline key; it must not depend on sizes.
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

/** One workgroup per item (a row, a channel, a variable), on a 2-D grid past 65535 items. */
export function gridPerItem(items: number): [number, number, number] {
  if (items <= maxWorkgroupsPerDim) return [items, 1, 1];
  return [maxWorkgroupsPerDim, Math.ceil(items / maxWorkgroupsPerDim), 1];
}

/** Pads a list of per-dimension values to the fixed length of a uniform array (8 = max rank). */
export function padDims(values: readonly number[], length = 8, fill = 0): number[] {
  if (values.length > length) throw new Error(`tensors of rank ${values.length} exceed the maximum rank ${length}`);
  return [...values, ...new Array<number>(length - values.length).fill(fill)];
}

