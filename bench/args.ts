/** Command-line options of `npm run bench` (see main.ts for the usage text). */

/** What the command line asks for. */
export interface BenchOptions {
  /** Machine-readable result on stdout (and nothing else there). */
  json: boolean;
  /** Also write the JSON result to this file (the table still prints). */
  save: string | null;
  /** Print the report of a result saved with --save (or --json) instead of running. */
  from: string | null;
  /** Run only cases whose id contains one of these substrings (comma-separated on the command line). */
  filters: string[];
  /** Fewer runs per case. */
  quick: boolean;
  /** Ours only: TensorFlow.js is not loaded. */
  tfjs: boolean;
  /** Also run the per-kernel GPU-time profile of our side (timestamp-query), after the timings. */
  profile: boolean;
  /** List the cases and exit. */
  list: boolean;
  help: boolean;
  /** Internal: this process is a worker (worker.ts) running the cases `ids` names exactly. */
  worker: boolean;
  ids: string[];
  /** Internal: the worker profiles instead of timing. */
  profileOnly: boolean;
}

/** Parses `argv` (without node and the script); throws on an unknown option. */
export function parseArgs(argv: readonly string[]): BenchOptions {
  const o: BenchOptions = { json: false, save: null, from: null, filters: [], quick: false, tfjs: true, profile: false, list: false, help: false, worker: false, ids: [], profileOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') o.json = true;
    else if (a === '--quick') o.quick = true;
    else if (a === '--no-tfjs') o.tfjs = false;
    else if (a === '--profile') o.profile = true;
    else if (a === '--list') o.list = true;
    else if (a === '--help' || a === '-h') o.help = true;
    else if (a === '--save' || a.startsWith('--save=')) {
      const value = a === '--save' ? argv[++i] : a.slice('--save='.length);
      if (!value) throw new Error('bench: --save needs a file name');
      o.save = value;
    } else if (a === '--from' || a.startsWith('--from=')) {
      const value = a === '--from' ? argv[++i] : a.slice('--from='.length);
      if (!value) throw new Error('bench: --from needs a file name');
      o.from = value;
    } else if (a === '--worker') o.worker = true;
    else if (a === '--profile-only') o.profileOnly = true;
    else if (a === '--ids') o.ids = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a === '--filter' || a.startsWith('--filter=')) {
      const value = a === '--filter' ? argv[++i] : a.slice('--filter='.length);
      if (!value) throw new Error('bench: --filter needs a value (a substring of case ids; several separated by commas)');
      o.filters.push(...value.split(',').filter(Boolean));
    } else throw new Error(`bench: unknown option '${a}' (try --help)`);
  }
  return o;
}

/** The usage text. */
export const usage = `npm run bench -- [options]      (npm run -s bench -- --json for JSON alone on stdout)
  --filter <s>[,<s>...]  run the cases whose id contains one of the substrings
  --quick                fewer runs per case (a smoke run)
  --no-tfjs              our engine only (no TensorFlow.js reference)
  --json                 print the result as JSON on stdout; progress goes to stderr
  --save <file>          also write the JSON result to <file>
  --from <file>          print the report of a saved result (no run)
  --profile              afterwards, GPU time per kernel of our side (needs timestamp-query)
  --list                 list the case ids and exit`;
