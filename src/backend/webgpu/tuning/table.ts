/**
 * The tuning table: per adapter, per tuning key (kernel id and shape class), the variant that
 * was fastest and the times measured. It is what persists (a JSON file in Node, IndexedDB in a
 * browser) and what `e.tuning.export()` / `e.tuning.import()` carry.
 */

/** The choice for one tuning key. */
export interface TuningEntry {
  /** The variant that runs for this key. */
  variant: string;
  /** Milliseconds per dispatch of each variant timed (the best of the timed runs). */
  ms: Record<string, number>;
}

/** A table of choices, as exported and persisted. */
export interface TuningTable {
  format: 'webgpu-descent-tuning';
  version: 1;
  /** Adapter key (adapterKey) → tuning key (`kernel|shape class`) → choice. */
  adapters: Record<string, Record<string, TuningEntry>>;
}

/** The table with nothing in it. */
export function emptyTable(): TuningTable {
  return { format: 'webgpu-descent-tuning', version: 1, adapters: {} };
}

/** What identifies an adapter and its driver in a table. */
export function adapterKey(info: { vendor: string; architecture: string; device: string; description: string }): string {
  return [info.vendor, info.architecture, info.device, info.description].join('|');
}

/**
 * Reads a table from JSON text or a parsed object; throws an Error starting with `where` and
 * saying what was wrong when it is not one.
 */
export function parseTable(json: unknown, where: string): TuningTable {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json) as unknown;
    } catch (err) {
      throw new Error(`${where}: expected a tuning table as JSON, got text that does not parse (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  const t = value as Partial<TuningTable> | null;
  if (!t || typeof t !== 'object' || t.format !== 'webgpu-descent-tuning') {
    throw new Error(`${where}: expected a tuning table ({ format: 'webgpu-descent-tuning', version: 1, adapters }), got ${typeof value === 'object' ? JSON.stringify(value)?.slice(0, 80) : typeof value}`);
  }
  if (t.version !== 1) throw new Error(`${where}: tuning table version ${String(t.version)} is not supported (expected 1)`);
  if (!t.adapters || typeof t.adapters !== 'object') throw new Error(`${where}: the tuning table has no 'adapters' object`);
  const out = emptyTable();
  for (const [adapter, keys] of Object.entries(t.adapters)) {
    if (!keys || typeof keys !== 'object') throw new Error(`${where}: adapter '${adapter}' holds ${typeof keys}, expected an object of tuning keys`);
    const entries: Record<string, TuningEntry> = {};
    for (const [key, entry] of Object.entries(keys)) {
      const e = entry as Partial<TuningEntry> | null;
      if (!e || typeof e.variant !== 'string') throw new Error(`${where}: entry '${key}' of adapter '${adapter}' has no variant name`);
      const ms: Record<string, number> = {};
      for (const [v, x] of Object.entries(e.ms ?? {})) if (typeof x === 'number') ms[v] = x;
      entries[key] = { variant: e.variant, ms };
    }
    out.adapters[adapter] = entries;
  }
  return out;
}

/** `base` with the entries of `extra` added (those of `extra` win where both have a key). */
export function mergeTables(base: TuningTable, extra: TuningTable): TuningTable {
  const out = emptyTable();
  for (const t of [base, extra]) {
    for (const [adapter, keys] of Object.entries(t.adapters)) out.adapters[adapter] = { ...out.adapters[adapter], ...keys };
  }
  return out;
}
