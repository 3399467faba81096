/**
 * Node's tuning store (src/backend/webgpu/tuning/store.ts): one JSON file, by default
 * webgpu-descent/tuning.json in the user's cache directory ($XDG_CACHE_HOME or ~/.cache on
 * Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows). WEBGPU_DESCENT_TUNING_CACHE
 * names another file (tests point it at a temporary directory). Saves merge with what the file
 * holds (another process may have saved meanwhile) and replace it with a rename, so that a reader
 * never sees half a file.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { emptyTable, mergeTables, parseTable, type TuningTable } from '../tuning/table.js';
import type { TuningStore } from '../tuning/store.js';

/** The environment variable that names the cache file. */
export const tuningCacheVariable = 'WEBGPU_DESCENT_TUNING_CACHE';

/** The user's cache directory for this platform. */
function cacheDirectory(): string {
  const home = os.homedir();
  if (process.platform === 'win32') return process.env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches');
  return process.env.XDG_CACHE_HOME || path.join(home, '.cache');
}

/** Where the table lives: `explicit`, else the environment variable, else the user's cache directory. */
export function tuningCachePath(explicit?: string): string {
  return explicit ?? (process.env[tuningCacheVariable] || path.join(cacheDirectory(), 'webgpu-descent', 'tuning.json'));
}

async function readTable(file: string): Promise<TuningTable> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return emptyTable();
  }
  try {
    return parseTable(text, file);
  } catch {
    // Another version's table, or a damaged file: tuning starts afresh and the next save replaces it.
    return emptyTable();
  }
}

let saves = 0;

/** The file store at `explicit` (or the default path). */
export function fileTuningStore(explicit?: string): TuningStore {
  const file = tuningCachePath(explicit);
  return {
    where: file,
    load: () => readTable(file),
    async save(table) {
      const merged = mergeTables(await readTable(file), table);
      await mkdir(path.dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.${++saves}.tmp`;
      await writeFile(temporary, `${JSON.stringify(merged, null, 1)}\n`);
      await rename(temporary, file);
    },
  };
}

/** WEBGPU_DESCENT_AUTOTUNE as an autotune mode; undefined when unset; throws when it is something else. */
export function autotuneFromEnvironment(): 'off' | 'cached' | 'on' | undefined {
  const v = process.env.WEBGPU_DESCENT_AUTOTUNE;
  if (v === undefined || v === '') return undefined;
  if (v === 'off' || v === 'cached' || v === 'on') return v;
  throw new Error(`createEngine: WEBGPU_DESCENT_AUTOTUNE is '${v}'; expected 'off', 'cached' or 'on'`);
}
