/**
 * Dawn, the `webgpu` npm package, as Node's GPU. Imported through a variable so that no bundler
 * follows it (esbuild.config.mjs keeps 'webgpu' external for the Node bundle).
 */

// Dawn crashes the process if the object returned by create() is garbage-collected while
// devices live, so it is kept here for the life of the process.
let nodeGpu: GPU | undefined;

/** Dawn's GPU object, created once per process. */
export async function loadNodeGpu(): Promise<GPU> {
  if (nodeGpu) return nodeGpu;
  const moduleName = 'webgpu';
  let mod: { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
  try {
    mod = (await import(/* @vite-ignore */ moduleName)) as typeof mod;
  } catch (err) {
    throw new Error(`createEngine: no navigator.gpu and the 'webgpu' package could not be loaded (${String(err)})`);
  }
  // GPUBufferUsage, GPUMapMode, ... are globals in browsers; Dawn provides them separately.
  for (const [k, v] of Object.entries(mod.globals)) {
    if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  }
  nodeGpu = mod.create([]);
  return nodeGpu;
}
