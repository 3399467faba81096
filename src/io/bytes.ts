/**
 * Where weights come from: bytes, a Blob or fetch Response, a URL (fetched), or in Node a file
 * path or file: URL (read with Node's fs, reached through process.getBuiltinModule so that browser
 * bundles carry no Node import).
 */
export type WeightsSource = Uint8Array | ArrayBuffer | Blob | Response | URL | string;

interface NodeFs {
  promises: { readFile(path: string): Promise<Uint8Array> };
}
interface NodeUrl {
  fileURLToPath(url: string | URL): string;
}
type BuiltinLoader = (id: string) => unknown;

function nodeBuiltin<T>(id: string): T | undefined {
  const p = (globalThis as { process?: { getBuiltinModule?: BuiltinLoader } }).process;
  return p?.getBuiltinModule?.(id) as T | undefined;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`loadWeights: fetching ${url} failed: HTTP ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The bytes of a weights source. */
export async function readBytes(source: WeightsSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof Blob !== 'undefined' && source instanceof Blob) return new Uint8Array(await source.arrayBuffer());
  if (typeof Response !== 'undefined' && source instanceof Response) {
    if (!source.ok) throw new Error(`loadWeights: the response failed: HTTP ${source.status} ${source.statusText}`);
    return new Uint8Array(await source.arrayBuffer());
  }
  const text = source instanceof URL ? source.href : String(source);
  const fs = nodeBuiltin<NodeFs>('fs');
  const isFileUrl = text.startsWith('file:');
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) || /^(data|blob):/i.test(text);
  if (fs && (isFileUrl || !hasScheme)) {
    const path = isFileUrl ? nodeBuiltin<NodeUrl>('url')!.fileURLToPath(text) : text;
    return new Uint8Array(await fs.promises.readFile(path));
  }
  return fetchBytes(text);
}
