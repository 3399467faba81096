/**
 * `npm run bench`: webgpu-descent beside TensorFlow.js 4.22 (tfjs-backend-webgpu on the same
 * adapter, in the same process; tfjs-backend-wasm as a second reference for the attack) on the
 * kernels and workloads of issue 6: a table, then the issue's targets judged from the numbers
 * measured in this run. Never part of `npm test`.
 *
 * This process only orchestrates: the cases run in worker processes of this same bundle
 * (`--worker`, worker.ts; orchestrate.ts restarts one after a native crash), and it prints the
 * report. Bundled by bench/build.mjs, started by bench/run.mjs. Method: case.ts and runner.ts.
 * Progress goes to stderr; with --json stdout holds the JSON alone.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { allCases } from './cases/index.js';
import { parseArgs, usage } from './args.js';
import { runInWorkers, type Collected } from './orchestrate.js';
import { formatReport, makeReport, type Report } from './report.js';
import { runWorker } from './worker.js';

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const out = (line = ''): void => void process.stdout.write(`${line}\n`);

/**
 * The commit the library was built from, with '+ changes' when the working tree differs from it
 * (the benchmark bundles whatever the tree holds); null outside a git checkout.
 */
function revision(): string | null {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src', 'shaders'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head} + uncommitted changes in src/ or shaders/` : head;
  } catch {
    return null;
  }
}

function commandLine(): string {
  const args = process.argv.slice(2);
  return `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options.worker) return runWorker({ ids: options.ids, quick: options.quick, tfjs: options.tfjs, profileOnly: options.profileOnly });
  if (options.help) return out(usage);
  if (options.list) return out(allCases.map((c) => `${c.id.padEnd(32)} ${c.title}`).join('\n'));
  if (options.from) {
    // Targets are judged again: the rules may have changed since the file was written.
    const saved = JSON.parse(readFileSync(options.from, 'utf8')) as Report;
    const report = makeReport(saved, saved.cases);
    return out(options.json ? JSON.stringify(report, null, 2) : formatReport(report));
  }
  const cases = allCases.filter((c) => options.filters.length === 0 || options.filters.some((f) => c.id.includes(f)));
  if (cases.length === 0) throw new Error(`bench: no case id contains ${options.filters.map((f) => `'${f}'`).join(' or ')} (see --list)`);

  const date = new Date().toISOString();
  // Now, not at the end: the tree may change while the cases run (the bundle was built just before).
  const built = revision();
  const t0 = performance.now();
  log(`bench: ${cases.length} cases${options.tfjs ? '' : ' (ours only)'}${options.quick ? ', quick' : ''}`);
  const collected: Collected = { environment: null, results: [], profiles: [] };
  const plan = { quick: options.quick, tfjs: options.tfjs, caseTimeoutS: 600, log };
  await runInWorkers(cases, { ...plan, profileOnly: false }, collected);
  if (options.profile && collected.environment?.adapter.timestampQuery) await runInWorkers(cases, { ...plan, profileOnly: true }, collected);
  const base = {
    date,
    command: commandLine(),
    revision: built,
    seconds: (performance.now() - t0) / 1000,
    ...collected.environment,
    options: { quick: options.quick, tfjs: options.tfjs, filters: options.filters, profile: options.profile },
    profile: options.profile ? collected.profiles : null,
  };
  const report = makeReport(base, collected.results);
  const json = JSON.stringify(report, null, 2);
  if (options.save) writeFileSync(options.save, `${json}\n`);
  out(options.json ? json : formatReport(report));
}

main().then(
  // A worker's Dawn keeps the event loop alive: leave once the work is done.
  () => process.exit(0),
  (err: unknown) => {
    // The benchmark's own errors say what to do; a stack only helps with the unexpected ones.
    const own = err instanceof Error && err.message.startsWith('bench');
    log(err instanceof Error ? (own ? err.message : (err.stack ?? err.message)) : String(err));
    process.exit(1);
  },
);
