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
import { writeFileSync } from 'node:fs';
import { allCases } from './cases/index.js';
import { parseArgs, usage, type BenchOptions } from './args.js';
import { comparisons } from './compare.js';
import { runInWorkers, type Collected } from './orchestrate.js';
import { formatProfile } from './profile.js';
import type { RunEnvironment } from './protocol.js';
import { formatFailures, formatTable, legend } from './table.js';
import { evaluateTargets, formatTargets } from './targets.js';
import { runWorker } from './worker.js';

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const out = (line = ''): void => void process.stdout.write(`${line}\n`);

function printReport(env: RunEnvironment | null, collected: Collected, options: BenchOptions, date: string, seconds: number): void {
  out(`webgpu-descent benchmark, ${date}`);
  if (env) {
    const a = env.adapter;
    out(`adapter: ${a.description || a.device} (${a.vendor}, ${a.architecture}); timestamp-query: ${a.timestampQuery ? 'yes' : 'no'}`);
    const t = env.tfjs;
    out(`tfjs: ${t ? `${t.version}, webgpu ${t.webgpu ? 'on the same adapter' : 'unavailable'}, wasm ${t.wasm ? `(${t.wasmFlavour})` : 'unavailable'}` : 'not run (--no-tfjs)'}`);
    for (const note of t?.notes ?? []) out(`  ${note}`);
    out(`node ${env.node}, ${env.machine.cpus} CPUs (${env.machine.cpuModel}), load average ${env.machine.loadAverage1m.toFixed(1)} at the start`);
  }
  out(`command: ${commandLine()}; ${options.quick ? 'quick run' : 'full run'}, ${seconds.toFixed(0)} s`);
  out();
  out(formatTable(collected.results));
  out();
  for (const line of legend) out(line);
  const failures = formatFailures(collected.results);
  if (failures.length > 0) {
    out();
    out('Failures:');
    for (const f of failures) out(`  ${f}`);
  }
  out();
  out('Targets (issue 6), from this run:');
  out(formatTargets(evaluateTargets(collected.results)));
  if (options.profile) {
    out();
    out(env?.adapter.timestampQuery ? formatProfile(collected.profiles) : "Profile: the adapter has no 'timestamp-query' feature: no GPU time per kernel.");
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
  const cases = allCases.filter((c) => options.filters.length === 0 || options.filters.some((f) => c.id.includes(f)));
  if (cases.length === 0) throw new Error(`bench: no case id contains ${options.filters.map((f) => `'${f}'`).join(' or ')} (see --list)`);

  const date = new Date().toISOString();
  const t0 = performance.now();
  log(`bench: ${cases.length} cases${options.tfjs ? '' : ' (ours only)'}${options.quick ? ', quick' : ''}`);
  const collected: Collected = { environment: null, results: [], profiles: [] };
  const plan = { quick: options.quick, tfjs: options.tfjs, caseTimeoutS: 600, log };
  await runInWorkers(cases, { ...plan, profileOnly: false }, collected);
  if (options.profile && collected.environment?.adapter.timestampQuery) await runInWorkers(cases, { ...plan, profileOnly: true }, collected);
  const seconds = (performance.now() - t0) / 1000;

  const report = {
    date,
    command: commandLine(),
    seconds,
    ...collected.environment,
    options: { quick: options.quick, tfjs: options.tfjs, filters: options.filters, profile: options.profile },
    cases: collected.results.map((r) => ({ ...r, comparisons: comparisons(r) })),
    targets: evaluateTargets(collected.results),
    profile: options.profile ? collected.profiles : null,
  };
  const json = JSON.stringify(report, null, 2);
  if (options.save) writeFileSync(options.save, `${json}\n`);
  if (options.json) out(json);
  else printReport(collected.environment, collected, options, date, seconds);
}

main().then(
  // A worker's Dawn keeps the event loop alive: leave once the work is done.
  () => process.exit(0),
  (err: unknown) => {
    log(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
