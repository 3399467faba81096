/**
 * Where the tuning table persists between runs: the host platform's store in Node (a JSON file in
 * the user's cache directory, src/backend/webgpu/node/tuning_cache.ts), IndexedDB in a browser,
 * nowhere otherwise.
 */
import { hostPlatform } from '../host_platform.js';
import { emptyTable, mergeTables, parseTable, type TuningTable } from './table.js';

/** A place the table is read from and written to. */
export interface TuningStore {
  /** What the store holds (an empty table when nothing was saved yet). */
  load(): Promise<TuningTable>;
  /** Adds `table`'s entries to what the store holds (other engines may have saved meanwhile). */
  save(table: TuningTable): Promise<void>;
  /** Where, for messages: a file path, 'IndexedDB', 'memory'. */
  readonly where: string;
}

/** A store that keeps nothing between runs. */
export function memoryStore(): TuningStore {
  let held = emptyTable();
  return {
    where: 'memory',
    load: () => Promise.resolve(held),
    save: (t) => {
      held = mergeTables(held, t);
      return Promise.resolve();
    },
  };
}

const dbName = 'webgpu-descent';
const storeName = 'tuning';
const recordKey = 'table';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function openDb(idb: IDBFactory): Promise<IDBDatabase> {
  const open = idb.open(dbName, 1);
  open.onupgradeneeded = () => {
    if (!open.result.objectStoreNames.contains(storeName)) open.result.createObjectStore(storeName);
  };
  return request(open);
}

/** The browser's store: one record of the `tuning` object store of the `webgpu-descent` database. */
export function indexedDbStore(idb: IDBFactory): TuningStore {
  const read = async (db: IDBDatabase): Promise<TuningTable> => {
    const raw = await request(db.transaction(storeName, 'readonly').objectStore(storeName).get(recordKey));
    if (raw === undefined) return emptyTable();
    try {
      return parseTable(raw, 'tuning store');
    } catch {
      // A table written by another version: start afresh.
      return emptyTable();
    }
  };
  return {
    where: 'IndexedDB',
    async load() {
      const db = await openDb(idb);
      try {
        return await read(db);
      } finally {
        db.close();
      }
    },
    async save(table) {
      const db = await openDb(idb);
      try {
        const merged = mergeTables(await read(db), table);
        await request(db.transaction(storeName, 'readwrite').objectStore(storeName).put(merged, recordKey));
      } finally {
        db.close();
      }
    },
  };
}

/** Options that say where the table lives. */
export interface StoreOptions {
  /** Node: the cache file (default: the user's cache directory, or WEBGPU_DESCENT_TUNING_CACHE). */
  path?: string;
}

/** The host's store: the platform's file in Node, IndexedDB in a browser, else memory. */
export function defaultStore(options: StoreOptions = {}): TuningStore {
  const host = hostPlatform();
  const fromHost = host?.tuningStore?.(options.path);
  if (fromHost) return fromHost;
  const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  return idb ? indexedDbStore(idb) : memoryStore();
}
