// How a `.wgsl` import becomes a module, for every build: the esbuild bundles (esbuild.config.mjs
// and the scripts that reuse its `common` options, bench/build.mjs, scripts/train_mnist.mjs) and
// the tests (the vitest plugin in vitest.config.ts). One implementation, so that source, tests
// and bundles see the same shaders.
//
// WGSL has no includes. A kernel names the shared pieces it uses with directive lines among its
// header comments, before its first declaration:
//   //!include common/indexing.wgsl
// Paths are relative to shaders/, and only pieces can be included: files in shaders/common/ or in
// a family's own common/ folder (shaders/<family>/common/). A piece may include other pieces.
// The build puts each piece once, dependencies first, then the kernel itself; the directive lines
// stay in the text as comments, so every part keeps its file's line numbers.
//
// The module's default export is a ShaderSource (src/backend/webgpu/dispatch/kernel_spec.ts):
//   file    the kernel's path, 'shaders/<family>/<kernel>.wgsl'
//   code    the assembled source
//   parts   which lines of `code` came from which file (compile errors name the file and line)
//   layout  for kernels: the bindings and the uniform struct's members and offsets, read with
//           wgsl_reflect here at build time, so that no WGSL parser ships in the bundles; null
//           for pieces (compiled only inside kernels)
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// The package's `main` is a CommonJS file inside a "type": "module" package, which Node cannot
// load; its ES module build loads fine.
import { WgslReflect } from 'wgsl_reflect/wgsl_reflect.module.js';

/** The repository root and its shaders/ folder. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const shadersDir = path.join(root, 'shaders');

const directive = /^\/\/!include\s+(\S+)\s*$/;

/** A file's path from the folder holding shaders/ ('shaders/...'), as errors and ShaderSource name it. */
function relative(file, shaders) {
  return path.relative(path.dirname(shaders), file).split(path.sep).join('/');
}

/** Whether a file under the shaders folder is a piece: it sits in a folder named common. */
export function isPiece(file, shaders = shadersDir) {
  return path.relative(shaders, file).split(path.sep).slice(0, -1).includes('common');
}

/** The pieces a file includes, with the line of each directive; checks where they stand. */
function includesOf(file, text, shaders) {
  const found = [];
  let inHeader = true;
  text.split('\n').forEach((line, i) => {
    const where = `${relative(file, shaders)}:${i + 1}`;
    const trimmed = line.trim();
    if (trimmed.startsWith('//!')) {
      const m = directive.exec(trimmed);
      if (!m) throw new Error(`${where}: unknown directive '${trimmed}'; the one directive is '//!include <path under shaders/>'`);
      if (!inHeader) throw new Error(`${where}: '${trimmed}' comes after the first declaration; includes go in the header, before any code`);
      const target = path.join(shaders, m[1]);
      const outside = path.relative(shaders, target).startsWith('..');
      if (outside || !m[1].endsWith('.wgsl') || !existsSync(target)) throw new Error(`${where}: includes '${m[1]}', which is not a file under shaders/`);
      if (!isPiece(target, shaders)) throw new Error(`${where}: includes '${m[1]}', a kernel; only pieces in a common/ folder can be included`);
      found.push({ target, where });
    } else if (trimmed !== '' && !trimmed.startsWith('//')) {
      inHeader = false;
    }
  });
  return found;
}

/**
 * A file's text as it ships: comments removed (WGSL has no string literals, so `//` always
 * starts one), every line kept, so that compile errors keep their lines and columns.
 */
function shipped(text) {
  return text
    .split('\n')
    .map((line) => line.replace(/\/\/.*$/, '').trimEnd())
    .join('\n');
}

/**
 * Assembles a shader file with the pieces it includes (each once, dependencies first). Returns
 * the ShaderSource fields `file`, `code` and `parts`, each part's text as it ships (`texts`, in
 * the order of `parts`; `code` is their concatenation) and every file read (for watch modes).
 * `shaders` is the folder include paths start from (the repository's shaders/ but in tests).
 */
export function assembleShader(file, shaders = shadersDir) {
  const name = (f) => relative(f, shaders);
  const parts = [];
  const texts = [];
  const files = [];
  const done = new Set();
  const active = [];
  let line = 1;
  const visit = (current, from) => {
    if (done.has(current)) return;
    if (active.includes(current)) {
      throw new Error(`${from}: includes form a cycle: ${[...active, current].map(name).join(' -> ')}`);
    }
    active.push(current);
    const text = readFileSync(current, 'utf8');
    files.push(current);
    for (const { target, where } of includesOf(current, text, shaders)) visit(target, where);
    active.pop();
    done.add(current);
    const body = shipped(text.endsWith('\n') ? text.slice(0, -1) : text);
    const lines = body.split('\n').length;
    parts.push({ file: name(current), firstLine: line, lines, path: current });
    texts.push(`${body}\n`);
    line += lines;
  };
  visit(path.resolve(file), name(path.resolve(file)));
  return { file: name(path.resolve(file)), code: texts.join(''), parts: parts.map(({ path: _, ...p }) => p), paths: parts.map((p) => p.path), texts, files };
}

/** The scalar kind of a uniform member (vectors and arrays by their element). */
function scalarKind(type, where) {
  const name = type?.name ?? '';
  if (name === 'u32' || name === 'i32' || name === 'f32') return name;
  if (name.startsWith('vec')) {
    const inner = type.format?.name ?? '';
    if (inner === 'u32' || name.endsWith('u')) return 'u32';
    if (inner === 'i32' || name.endsWith('i')) return 'i32';
    if (inner === 'f32' || name.endsWith('f')) return 'f32';
  }
  throw new Error(`${where}: unsupported uniform member type '${name}' (scalars, vectors and arrays of them)`);
}

function vecLength(type) {
  const m = /^vec(\d)/.exec(type.name);
  return m ? Number(m[1]) : 1;
}

/**
 * The kernel's layout from reflection: its entry point, storage bindings (in binding order, each
 * 'read' or 'read_write'), and the uniform struct bound last (byte size, and per member its
 * offset, scalar kind, count of scalars and the byte stride between them). Checks the binding
 * rules every dispatch relies on: group 0, bindings 0..n without gaps, storage first, at most one
 * uniform struct and it last.
 */
export function reflectLayout(code, file) {
  let reflect;
  try {
    reflect = new WgslReflect(code);
  } catch (err) {
    throw new Error(`${file}: WGSL reflection failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const entries = reflect.entry.compute;
  if (entries.length !== 1) throw new Error(`${file}: a kernel has exactly one @compute entry point, found ${entries.length}`);
  // Every binding the module declares, used by the kernel itself or only by the generated
  // prelude it is compiled with (load_x of the row reduction, for one).
  const resources = [...reflect.storage, ...reflect.uniforms].sort((a, b) => a.group - b.group || a.binding - b.binding);
  if (reflect.textures.length + reflect.samplers.length > 0) throw new Error(`${file}: kernels bind buffers only`);
  resources.forEach((r, i) => {
    if (r.group !== 0 || r.binding !== i) throw new Error(`${file}: bindings must be @group(0) @binding(0..n) without gaps (found @group(${r.group}) @binding(${r.binding}) '${r.name}')`);
  });
  const storage = [];
  let uniform = null;
  for (const r of resources) {
    if (r.resourceType === 1) {
      if (uniform) throw new Error(`${file}: the uniform struct must be the last binding ('${r.name}' follows it)`);
      storage.push(r.access === 'read' ? 'read' : 'read_write');
    } else if (r.resourceType === 0) {
      if (uniform) throw new Error(`${file}: one uniform struct per kernel`);
      uniform = uniformLayout(r, file);
    } else {
      throw new Error(`${file}: binding '${r.name}' is neither a storage buffer nor a uniform struct`);
    }
  }
  return { entryPoint: entries[0].name, storage, uniform };
}

/** The uniform struct's members: offsets, kinds and counts (arrays and vectors flattened). */
function uniformLayout(variable, file) {
  const members = variable.type.members;
  if (!members) throw new Error(`${file}: the uniform binding '${variable.name}' must be a struct`);
  const fields = {};
  for (const m of members) {
    const where = `${file}: uniform member '${m.name}'`;
    if (m.type.isArray) {
      const per = vecLength(m.type.format);
      fields[m.name] = { offset: m.offset, kind: scalarKind(m.type.format, where), count: m.type.count * per, stride: m.type.stride / per };
    } else {
      fields[m.name] = { offset: m.offset, kind: scalarKind(m.type, where), count: vecLength(m.type), stride: 4 };
    }
  }
  return { bytes: variable.type.size, fields };
}

/** The ShaderSource of a shader file: assembled, and for a kernel its reflected layout. */
export function shaderSource(file, shaders = shadersDir) {
  const { code, parts, paths, texts, files, file: name } = assembleShader(file, shaders);
  const layout = isPiece(path.resolve(file), shaders) ? null : reflectLayout(code, name);
  return { source: { file: name, code, parts, layout }, paths, texts, files };
}

/**
 * The JavaScript module a `.wgsl` import loads, and the files it was assembled from. Besides the
 * ShaderSource (default export) it exports the file's own text as `text`; a kernel's module
 * imports the `text` of each piece it includes rather than holding a copy, so that a bundle
 * holds every file's text once.
 */
export function shaderModule(file) {
  const { source, paths, texts, files } = shaderSource(file);
  const from = path.dirname(path.resolve(file));
  const lines = [];
  const joined = paths.map((piece, i) => {
    if (i === paths.length - 1) return 'text';
    const specifier = path.relative(from, piece).split(path.sep).join('/');
    lines.push(`import { text as part${i} } from ${JSON.stringify(specifier.startsWith('.') ? specifier : `./${specifier}`)};`);
    return `part${i}`;
  });
  const { code: _, ...rest } = source;
  lines.push(`export const text = ${JSON.stringify(texts[texts.length - 1])};`);
  lines.push(`const shader = ${JSON.stringify(rest)};`);
  lines.push(`export default { ...shader, code: ${joined.join(' + ')} };`);
  return { contents: `${lines.join('\n')}\n`, files };
}

/** The esbuild plugin: `.wgsl` imports load as ShaderSource modules. */
export const esbuildWgslPlugin = {
  name: 'wgsl-shader-modules',
  setup(build) {
    build.onLoad({ filter: /\.wgsl$/ }, (args) => {
      const { contents, files } = shaderModule(args.path);
      return { contents, loader: 'js', watchFiles: files };
    });
  },
};

/** The vite/vitest plugin: the same modules, with the included pieces watched. */
export function viteWgslPlugin() {
  return {
    name: 'wgsl-shader-modules',
    enforce: 'pre',
    load(id) {
      const file = id.split('?')[0];
      if (!file.endsWith('.wgsl')) return null;
      const { contents, files } = shaderModule(file);
      for (const f of files) this.addWatchFile(f);
      return contents;
    },
  };
}
