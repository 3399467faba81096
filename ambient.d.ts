// `.wgsl` imports load as ShaderSource modules: the kernel assembled with the pieces it includes,
// and its layout read at build time (scripts/wgsl/shader_modules.mjs: the esbuild plugin of every
// bundle and the vitest plugin in vitest.config.ts).
declare module '*.wgsl' {
  const shader: import('./src/backend/webgpu/dispatch/kernel_spec.js').ShaderSource;
  export default shader;
  /** The file's own text (comments removed), which the modules of the kernels including it join. */
  export const text: string;
}
