/** What `e.tuning` offers: the kernel tuning table and the variant choices of an engine. */
import { emptyTable, parseTable, type TuningTable } from './table.js';

/**
 * 'on' (default): a kernel shape met for the first time runs a heuristic choice, and its eligible
 * variants are timed on the adapter at the next read or flush (within a small budget); the
 * fastest runs from then on, and the table persists. 'cached': the persisted (or imported) table
 * is used, nothing is timed. 'off': the heuristic choices only.
 */
export type AutotuneMode = 'off' | 'cached' | 'on';

/** An engine's tuning: its table of variant choices, and the means to inspect and steer them. */
export interface Tuning {
  readonly mode: AutotuneMode;
  /** Where the table persists: a file path (Node), 'IndexedDB' (browser), 'memory', or 'none' (CPU). */
  readonly store: string;
  /** The table: every adapter's choices this engine knows (persisted, imported and tuned). */
  export(): TuningTable;
  /**
   * Adds a table's choices (the value `export()` gave, or its JSON text), for this adapter and
   * others, and persists them; choices that change make later steps re-plan with them.
   */
  import(table: TuningTable | string): void;
  /** Times what is queued now (otherwise that happens at the next reads and flushes) and saves the table. */
  settle(): Promise<void>;
  /**
   * Runs `variant` for every eligible dispatch of `kernel` (null: back to the table and the
   * heuristic). For tests and benchmarks; an unknown kernel or variant is an error.
   */
  force(kernel: string, variant: string | null): void;
  /** The variants of a kernel id, the default first (empty for kernels with one program). */
  variants(kernel: string): string[];
  /** Whether every subgroup variant can run here: the `subgroups` feature with subgroups of 8 to 64 lanes (the reductions need 4). */
  readonly subgroups: boolean;
  /** Dispatches recorded per kernel id and variant since the engine started or the last reset. */
  used(reset?: boolean): Record<string, Record<string, number>>;
}

/** The CPU backend's tuning: one program per kernel, nothing to choose. */
export const noTuning: Tuning = {
  mode: 'off',
  store: 'none',
  export: emptyTable,
  import: (table) => void parseTable(table, 'tuning.import'),
  settle: () => Promise.resolve(),
  force: () => {},
  variants: () => [],
  subgroups: false,
  used: () => ({}),
};
