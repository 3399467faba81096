/**
 * The benchmark page (harness/public/bench.html, served by `npm run demos`): the kernel and
 * workload cases of `npm run bench` (bench/cases) on the browser's own GPU, each beside
 * TensorFlow.js's WebGPU backend in the same page, measured by bench/runner.ts and reported by
 * bench/report.ts: the same table and JSON as `npm run bench`, a chart of the speedups, the
 * kernel variants the tuner chose, and the JSON to download. `npm run bench:browser` opens it in
 * headless Chromium (harness/bench_browser.mjs) and prints what it publishes on window.__bench.
 * Query: ?filter=a,b (case ids containing a or b), ?quick, ?smoke (one run, one warm-up: the
 * browser suite's check), ?tfjs=0, ?autotune=on|cached|off, ?autorun, ?rev= and ?command= (what
 * the report names).
 */
import { createEngine, type Engine } from '../../src/index.js';
import { allCases } from '../../bench/cases/index.js';
import type { BenchCase } from '../../bench/case.js';
import { formatReport, makeReport, type Report } from '../../bench/report.js';
import { measureCase, type CaseResult } from '../../bench/runner.js';
import type { TfjsSetup } from '../../bench/tfjs/load.js';
import { speedupChart } from './chart.js';
import { loadTfjsInPage } from './tfjs.js';

/** What the page publishes for harness/bench_browser.mjs and harness/run.mjs. */
interface BenchState {
  done: boolean;
  adapter?: string;
  report?: Report;
  text?: string;
  error?: string;
}

declare global {
  interface Window {
    __bench?: BenchState;
  }
}

const query = new URLSearchParams(location.search);
const state: BenchState = { done: false };
window.__bench = state;
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

function log(line: string): void {
  const out = $('log');
  out.textContent += `${line}\n`;
  out.scrollTop = out.scrollHeight;
}

/** The adapter as one line: its name, vendor and architecture as the browser reports them. */
function describeAdapter(e: Engine): string {
  const a = e.adapterInfo;
  const name = a.description || a.device || [a.vendor, a.architecture].filter(Boolean).join(' ') || 'unnamed adapter';
  return `${name} (${[a.vendor, a.architecture].filter(Boolean).join(', ') || 'vendor not reported'})${a.isSoftware ? ', software' : ''}`;
}

/** The cases the form (or the query) asks for; ?smoke runs each once after one warm-up. */
function selectedCases(filters: string[], smoke: boolean): BenchCase[] {
  const cases = allCases.filter((c) => filters.length === 0 || filters.some((f) => c.id.includes(f)));
  return smoke ? cases.map((c) => ({ ...c, runs: 1, warmup: 1 })) : cases;
}

function commandLine(filters: string[], quick: boolean, tfjs: boolean): string {
  const given = query.get('command');
  if (given) return given;
  const args = [...(filters.length > 0 ? ['--filter', filters.join(',')] : []), ...(quick ? ['--quick'] : []), ...(tfjs ? [] : ['--no-tfjs'])];
  return `${location.pathname}${args.length > 0 ? ` (${args.join(' ')})` : ''}`;
}

function download(report: Report): void {
  const blob = new Blob([`${JSON.stringify(report, null, 2)}\n`], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `webgpu-descent-bench-${report.date.replace(/[:.]/g, '-')}.json`;
  a.click();
  URL.revokeObjectURL(a.href);
}

/** The variants table: per case, the kernel variants ours dispatched in its timed runs. */
function variantsTable(results: readonly CaseResult[]): HTMLTableElement {
  const table = document.createElement('table');
  table.innerHTML = '<thead><tr><th>case</th><th>kernel variants (ours)</th></tr></thead>';
  const body = table.createTBody();
  for (const c of results) {
    const row = body.insertRow();
    row.insertCell().textContent = c.id;
    row.insertCell().textContent = c.sides.find((s) => s.name === 'ours')?.variants?.join(', ') || '-';
  }
  return table;
}

async function run(e: Engine, tfjsSetup: Promise<TfjsSetup | null>): Promise<void> {
  const filters = $<HTMLInputElement>('filter').value.split(',').map((f) => f.trim()).filter(Boolean);
  const quick = $<HTMLInputElement>('quick').checked;
  const withTfjs = $<HTMLInputElement>('tfjs').checked;
  const smoke = query.has('smoke');
  const cases = selectedCases(filters, smoke);
  if (cases.length === 0) throw new Error(`bench: no case id contains ${filters.map((f) => `'${f}'`).join(' or ')}`);
  $<HTMLButtonElement>('run').disabled = true;
  const tfjs = withTfjs ? await tfjsSetup : null;
  const date = new Date().toISOString();
  const t0 = performance.now();
  log(`bench: ${cases.length} cases${tfjs ? '' : ' (ours only)'}${quick ? ', quick' : ''}${smoke ? ', smoke' : ''}`);
  const results: CaseResult[] = [];
  for (const c of cases) {
    log(`${c.id} ...`);
    const result = await measureCase(c, { e, tfjs, quick, log });
    log(`    ${result.sides.map((s) => `${s.name} ${s.error ? `FAILED: ${s.error.slice(0, 200)}` : `${s.ms.median.toPrecision(4)} ms`}`).join(', ')} (${result.seconds.toFixed(1)} s)`);
    results.push(result);
  }
  const timestampQuery = (e.backend as { device?: GPUDevice }).device?.features.has('timestamp-query') ?? false;
  const report = makeReport(
    {
      date,
      command: commandLine(filters, quick, withTfjs),
      revision: query.get('rev'),
      seconds: (performance.now() - t0) / 1000,
      adapter: { ...e.adapterInfo, timestampQuery },
      node: navigator.userAgent,
      tfjs: tfjs ? { version: tfjs.version, webgpu: tfjs.webgpu, wasm: tfjs.wasm, wasmFlavour: tfjs.wasmFlavour, notes: tfjs.notes } : null,
      options: { quick, tfjs: withTfjs, filters, profile: false },
      profile: null,
    },
    results,
  );
  const text = formatReport(report);
  $('chart').replaceChildren(speedupChart(report));
  $('variants').replaceChildren(variantsTable(results));
  $('report').textContent = text;
  const button = $<HTMLButtonElement>('download');
  button.disabled = false;
  button.onclick = () => download(report);
  $<HTMLButtonElement>('run').disabled = false;
  state.report = report;
  state.text = text;
}

async function main(): Promise<void> {
  $<HTMLInputElement>('filter').value = query.get('filter') ?? '';
  $<HTMLInputElement>('quick').checked = query.has('quick') || query.has('smoke');
  $<HTMLInputElement>('tfjs').checked = query.get('tfjs') !== '0';
  const autotune = (query.get('autotune') ?? 'on') as 'on' | 'cached' | 'off';
  const e = await createEngine({ backend: 'webgpu', autotune });
  state.adapter = describeAdapter(e);
  $('adapter').textContent = `adapter: ${state.adapter}`;
  const subgroups = (e.backend as { device?: GPUDevice }).device?.features.has('subgroups') ?? false;
  $('tuning').textContent = `kernel autotuning: ${e.tuning.mode} (table in ${e.tuning.store}); subgroups: ${subgroups ? (e.tuning.subgroups ? 'yes, every subgroup variant can run' : 'yes, too narrow for some subgroup variants') : 'no'}`;
  // tfjs loads while the page waits for the button (or runs at once with ?autorun).
  const tfjsSetup = loadTfjsInPage().catch(() => null);
  const go = (): void => {
    state.done = false;
    run(e, tfjsSetup).then(
      () => {
        state.done = true;
      },
      (err: unknown) => {
        state.error = err instanceof Error ? err.message : String(err);
        log(`error: ${state.error}`);
        state.done = true;
      },
    );
  };
  $<HTMLButtonElement>('run').onclick = go;
  $<HTMLButtonElement>('run').disabled = false;
  if (query.has('autorun')) go();
}

main().catch((err: unknown) => {
  state.error = err instanceof Error ? err.message : String(err);
  $('adapter').textContent = `no WebGPU engine: ${state.error}`;
  state.done = true;
});
