// WGSL files are imported as text (esbuild's text loader, and the vitest plugin in vitest.config.ts).
declare module '*.wgsl' {
  const source: string;
  export default source;
}

// wgsl_reflect's package.json points `main` at a CommonJS file inside a "type": "module" package,
// which Node cannot load; its ES module build is imported directly, with the package's own types.
declare module 'wgsl_reflect/wgsl_reflect.module.js' {
  export * from 'wgsl_reflect';
}
